package dev.llmc.gateway.encoder;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's in-process batching encoder (MiniLM; the static encoder needs no queue): a full queue answers 503 with Retry-After at once instead of making the
 * caller wait, and its meters appear under gpu-node's names. A one-text queue and a one-second batch window hold the
 * first request in the queue long enough for a second one to find it full.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InProcessEncoderIT extends EmbeddedGatewayTest {
    private static final String CHAT = """
            {"user_id": "u", "conversation_id": "%s", "messages": [{"role": "user", "content": "%s"}]}""";

    private final FakeExpertNode cooking = fakeNode("cooking");

    @Inject
    MeterRegistry registry;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.encoder.model", "minilm", "llmc.encoder.queue-capacity", "1", "llmc.encoder.batch-window", "1s", "llmc.encoder.max-batch", "8");
    }

    @BeforeAll
    void registerExpert() {
        http().registerExpert("cooking", "Recipes, baking and cooking techniques.", cooking.baseUrl());
    }

    @Test
    void fullQueueAnswers503WithRetryAfterInsteadOfWaiting() throws Exception {
        CompletableFuture<Reply> queued = CompletableFuture.supplyAsync(
                () -> http().post("/chat", CHAT.formatted("first", "How long should I knead bread dough?")));
        awaitQueueDepth(1);

        long start = System.nanoTime();
        Reply refused = http().post("/chat", CHAT.formatted("second", "Why does my sourdough not rise?"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(503, refused.status(), refused.body());
        assertEquals("service_unavailable", refused.json().at("/error/type").asText(), refused.body());
        assertEquals("encoder_overloaded", refused.json().at("/error/code").asText(), refused.body());
        assertTrue(Long.parseLong(refused.header("Retry-After").orElseThrow()) >= 1, refused.headers().toString());
        // Refused on arrival, not after the queued request's one-second window.
        assertTrue(took.compareTo(Duration.ofMillis(900)) < 0, "refusal took " + took);
        assertEquals(200, queued.get().status(), queued.get().body());
    }

    @Test
    void prometheusShowsTheEncoderMetersOfGpuNode() {
        assertEquals(200, http().post("/chat", CHAT.formatted("metrics", "Give me a lasagna recipe.")).status());

        String metrics = http().get("/prometheus").body();

        for (String name : List.of("llmc_encoder_batch_size_count", "llmc_encoder_queue_wait_seconds_count",
                "llmc_encoder_encode_latency_seconds_count", "llmc_encoder_batch_padding_ratio_count",
                "llmc_encoder_tokens_total{kind=\"padding\"}", "llmc_encoder_tokens_total{kind=\"real\"}",
                "llmc_encoder_queue_depth", "llmc_encoder_rejected_texts_total")) {
            assertTrue(metrics.contains(name), () -> name + " missing from:\n" + metrics);
        }
        assertTrue(registry.get("llmc.encoder.batch.size").summary().count() >= 1);
    }

    private void awaitQueueDepth(int depth) {
        await("the encoder queue holds " + depth + " text(s)").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                .until(() -> registry.get("llmc.encoder.queue.depth").gauge().value() >= depth);
    }
}
