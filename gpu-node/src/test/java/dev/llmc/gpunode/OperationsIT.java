package dev.llmc.gpunode;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OperationsIT {

    @Inject
    EmbeddedServer server;

    @Test
    void healthIsUpWithoutCredentials() {
        OpenAiHttp.Reply reply = new OpenAiHttp(server).get("/health");

        assertEquals(200, reply.status());
        assertEquals("UP", reply.body().path("status").asText());
    }

    @Test
    void prometheusServesTextFormatWithoutCredentials() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.getURI().resolve("/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("jvm_memory_used_bytes"), response.body());
    }
}
