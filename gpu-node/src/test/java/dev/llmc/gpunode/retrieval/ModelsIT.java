package dev.llmc.gpunode.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModelsIT {

    @Inject
    EmbeddedServer server;

    @Test
    void listsOneModelPerCorpusFile() {
        JsonNode body = new OpenAiHttp(server).get("/v1/models").body();

        assertEquals("list", body.path("object").asText());
        List<String> ids = new ArrayList<>();
        for (JsonNode model : body.path("data")) {
            assertEquals("model", model.path("object").asText());
            assertEquals("llmc-retrieval", model.path("owned_by").asText());
            ids.add(model.path("id").asText());
        }
        assertEquals(List.of("cooking", "emotional-support", "programming"), ids);
    }
}
