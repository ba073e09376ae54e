package dev.llmc.gpunode.encoder;

import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.llmc.gpunode.OpenAiHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Property(name = "llmc.retrieval.corpus-dir", value = "")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EncoderMetricsIT {

    @Inject
    EmbeddedServer server;

    @Test
    void prometheusShowsBatchSizeQueueWaitPaddingAndEncodeLatency() throws IOException, InterruptedException {
        assertEquals(200, new OpenAiHttp(server).post("/v1/embeddings",
                json(Map.of("input", List.of("How do I bake bread?", "git merge conflict in pom.xml after a rebase")))).status());

        String metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.getURI().resolve("/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();

        for (String name : List.of("llmc_encoder_batch_size_count", "llmc_encoder_queue_wait_seconds_count",
                "llmc_encoder_encode_latency_seconds_count", "llmc_encoder_batch_padding_ratio_count",
                "llmc_encoder_tokens_total{kind=\"padding\"}", "llmc_encoder_tokens_total{kind=\"real\"}",
                "llmc_encoder_queue_depth", "llmc_encoder_rejected_texts_total")) {
            assertTrue(metrics.contains(name), () -> name + " missing from:\n" + metrics);
        }
    }
}
