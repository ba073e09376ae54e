package dev.llmc.gpunode.embeddings;

import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.llmc.gpunode.ErrorAssertions.assertOpenAiError;
import static dev.llmc.gpunode.OpenAiHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Property(name = "llmc.retrieval.corpus-dir", value = "")
@Property(name = "llmc.encoder.queue-capacity", value = "1")
@Property(name = "llmc.encoder.max-batch", value = "1")
@Property(name = "llmc.encoder.batch-window", value = "0ms")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddingsBackpressureIT {

    private static final int REQUESTS = 24;

    @Inject
    EmbeddedServer server;

    @Test
    void aFullQueueAnswers503WithRetryAfterInsteadOfWaiting() throws Exception {
        // Each request takes tens of milliseconds to encode; with one queue place, simultaneous ones cannot all wait.
        String body = json(Map.of("input", "my sourdough starter smells of acetone after feeding ".repeat(12)));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(server.getURI().resolve("/v1/embeddings"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();

        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            replies.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int overloaded = 0;
        for (CompletableFuture<HttpResponse<String>> future : replies) {
            HttpResponse<String> reply = future.get(30, TimeUnit.SECONDS);
            if (reply.statusCode() == 200) {
                ok++;
                continue;
            }
            overloaded++;
            assertOpenAiError(new OpenAiHttp.Reply(reply.statusCode(), OpenAiHttp.parse(reply.body())),
                    503, "service_unavailable", "encoder_overloaded");
            long retryAfter = Long.parseLong(reply.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        }
        assertTrue(ok >= 1, "no request was served");
        assertTrue(overloaded >= 1, "no request was refused");
        assertEquals(REQUESTS, ok + overloaded);
    }
}
