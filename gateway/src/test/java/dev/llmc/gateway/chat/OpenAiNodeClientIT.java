package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenAI Node client ({@code openai} on npm, pinned in src/test/node/package-lock.json), unchanged, against
 * the gateway: a completion, a stream, and a stream its node breaks off (which the client must raise as an error).
 * Needs {@code node} and {@code npm}; installs the locked client with {@code npm ci} when it is missing, and fails
 * rather than skips without them.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OpenAiNodeClientIT extends EmbeddedGatewayTest {
    private static final Path SCRIPT_DIR = Path.of("src/test/node");
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode breaks = fakeNode("breaks").dieMidStream();

    @BeforeAll
    void registerExperts() {
        http().registerExpert("cooking", RoutingIT.COOKING, cooking.baseUrl());
        http().registerExpert("breaks", "An expert whose node dies while streaming.", breaks.baseUrl());
    }

    @Test
    void officialNodeClientCompletesStreamsAndSeesBrokenStreamsAsErrors() throws Exception {
        if (!Files.isDirectory(SCRIPT_DIR.resolve("node_modules/openai"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }

        JsonNode result = FakeExpertNode.json(run(List.of("node", "openai-client.mjs"), 60).lines()
                .filter(line -> line.startsWith("{")).reduce((first, second) -> second).orElseThrow());

        JsonNode completion = result.get("completion");
        assertEquals("cooking", completion.get("model").asText());
        assertTrue(completion.get("id").asText().startsWith("msg_"));
        assertEquals(cooking.reply(), completion.get("content").asText());
        JsonNode forwarded = cooking.requests().getFirst();
        assertEquals("node-user", forwarded.get("user").asText(), "OpenAI's user passes through");
        assertFalse(forwarded.has("metadata"), "the gateway's metadata stays with the gateway");

        JsonNode stream = result.get("stream");
        assertEquals("[\"cooking\"]", stream.get("models").toString());
        assertEquals(1, stream.get("ids").size());
        assertTrue(stream.get("ids").get(0).asText().startsWith("msg_"));
        assertEquals(cooking.reply(), stream.get("content").asText());
        assertEquals("stop", stream.get("finishReason").asText());

        JsonNode broken = result.get("broken");
        assertEquals("APIError", broken.get("error").asText(), broken.toString());
        assertTrue(broken.get("message").asText().contains("broke off"), broken.toString());
    }

    private String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(SCRIPT_DIR.toFile()).redirectErrorStream(true);
        builder.environment().put("LLMC_URL", server.getURI().toString());
        builder.environment().put("LLMC_KEY", ADMIN_KEY);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), command + " did not finish");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + " failed:\n" + text);
        return text;
    }
}
