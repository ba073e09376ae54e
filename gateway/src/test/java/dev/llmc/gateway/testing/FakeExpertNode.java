package dev.llmc.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenAI-compatible expert node for tests (a real LLM cannot run here): answers every chat completion
 * with "<name> answers" and remembers the requests it received.
 */
public final class FakeExpertNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    public FakeExpertNode(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", this::complete);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public String reply() {
        return name + " answers";
    }

    public List<JsonNode> requests() {
        return requests;
    }

    private void complete(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        requests.add(request);
        ObjectNode completion = JSON.createObjectNode();
        completion.put("id", "chatcmpl-fake");
        completion.put("object", "chat.completion");
        completion.put("created", 1_700_000_000L);
        completion.put("model", request.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", reply());
        choice.put("finish_reason", "stop");
        completion.putObject("usage").put("prompt_tokens", 11).put("completion_tokens", 3).put("total_tokens", 14);
        byte[] body = JSON.writeValueAsBytes(completion);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A base URL where nothing listens, for nodes that refuse connections. */
    public static String refusingBaseUrl() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON body in tests. */
    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
