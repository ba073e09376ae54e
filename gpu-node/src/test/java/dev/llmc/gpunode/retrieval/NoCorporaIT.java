package dev.llmc.gpunode.retrieval;

import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Property(name = "llmc.retrieval.corpus-dir", value = "")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NoCorporaIT {

    @Inject
    EmbeddedServer server;

    @Test
    void listsAnEmptyDataArrayWhenNoCorpusDirIsConfigured() {
        OpenAiHttp.Reply reply = new OpenAiHttp(server).get("/v1/models");

        assertEquals(200, reply.status());
        assertTrue(reply.body().path("data").isArray() && reply.body().path("data").isEmpty(), reply.body()::toString);
    }
}
