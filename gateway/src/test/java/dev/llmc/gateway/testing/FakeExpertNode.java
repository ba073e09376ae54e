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
 * with "<name> answers", lists its model at {@code GET /v1/models} (the gateway's health check), remembers the
 * requests and {@code Authorization} headers it received, and can go down and come back on the same port.
 */
public final class FakeExpertNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final int port;
    private volatile HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public FakeExpertNode(String name) {
        this.name = name;
        this.server = start(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer start(int onPort) {
        HttpServer started;
        try {
            started = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        started.createContext("/v1/chat/completions", this::complete);
        started.createContext("/v1/models", this::models);
        started.start();
        return started;
    }

    /** Stops answering: connections are refused until {@link #up()}. */
    public void down() {
        server.stop(0);
    }

    /** Answers again on the same port. */
    public void up() {
        server = start(port);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    /** The {@code Authorization} header of every chat request, "" when absent. */
    public List<String> authorizations() {
        return authorizations;
    }

    public int completions() {
        return requests.size();
    }

    private void models(HttpExchange exchange) throws IOException {
        byte[] body = ("{\"object\": \"list\", \"data\": [{\"id\": \"" + name + "\", \"object\": \"model\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
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
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "" : authorization);
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
