package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.ServerSentEvents;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the gateway while a reply streams: the stream finishes within the grace period instead of being cut off.
 * (Not a {@code @MicronautTest}: the test stops the application itself.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GracefulShutdownIT extends EmbeddedGatewayTest {

    @Test
    void anOpenStreamFinishesWhenTheGatewayStops() throws Exception {
        try (FakeExpertNode node = new FakeExpertNode("slow").chunkDelay(Duration.ofMillis(400))) {
            Map<String, Object> properties = new HashMap<>(getProperties());
            properties.put("llmc.shutdown.grace-period", "20s");
            EmbeddedServer gateway = ApplicationContext.run(EmbeddedServer.class, properties, "test");
            GatewayHttp http = new GatewayHttp(gateway.getURI(), ADMIN_KEY);
            http.registerExpert("slow", "Slow general assistant.", node.baseUrl());

            HttpRequest request = http.request("/v1/chat/completions", ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model": "slow", "stream": true, "messages": [{"role": "user", "content": "hello"}]}""")).build();
            CompletableFuture<HttpResponse<String>> reply = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofString());
            await("the stream started").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> node.completions() > 0);
            assertEquals(1, node.completions(), "the stream started once");

            long stopStart = System.nanoTime();
            gateway.getApplicationContext().stop();
            long stopMillis = (System.nanoTime() - stopStart) / 1_000_000;

            HttpResponse<String> response = reply.get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            var events = ServerSentEvents.parse(response.body());
            assertEquals("[DONE]", events.getLast().data(), response.body());
            StringBuilder content = new StringBuilder();
            events.subList(0, events.size() - 1).forEach(event ->
                    content.append(FakeExpertNode.json(event.data()).at("/choices/0/delta/content").asText("")));
            assertEquals(node.reply(), content.toString());
            assertTrue(stopMillis >= 500, "stopping waited for the stream, took " + stopMillis + " ms");
        }
    }
}
