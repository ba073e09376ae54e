package dev.llmc.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible expert node for tests (a real LLM cannot run here): answers every chat completion
 * with "<name> answers" (streamed word by word as server-sent events when asked), lists its model at
 * {@code GET /v1/models} (the gateway's health check), remembers the requests and {@code Authorization} headers it
 * received, and can go down and come back on the same port. Its chat behaviour can be switched to failing with a
 * status, hanging without a byte, or dying in the middle of a stream; its replies can be held until released, and the
 * usage they report set or left out. It can require an API key, as hosted servers do: a request without the right
 * {@code Authorization} gets 401.
 */
public final class FakeExpertNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The usage every reply reports unless told otherwise: 14 tokens. */
    private static final ObjectNode USAGE = usage(11, 3);

    /** What the node does with a chat completion request. */
    public enum Behaviour { ANSWER, FAIL, HANG, DIE_MID_STREAM }

    private final String name;
    private final int port;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile HttpServer server;
    private volatile Behaviour behaviour = Behaviour.ANSWER;
    private volatile int failStatus = 500;
    private volatile String failMessage;
    private volatile String requiredKey;
    private volatile boolean modelsOpen;
    private volatile Duration chunkDelay = Duration.ZERO;
    private volatile long floodBytes;
    private final AtomicLong streamedBytes = new AtomicLong();
    private final AtomicInteger abortedStreams = new AtomicInteger();
    private volatile ObjectNode usage = USAGE;
    private volatile boolean rejectsStreamOptions;
    private volatile CountDownLatch held;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> probeAuthorizations = new CopyOnWriteArrayList<>();

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
        // Handlers that hang or pace a stream must not hold up the others (the default executor is one thread).
        started.setExecutor(executor);
        started.start();
        return started;
    }

    /** Chat requests answer normally again. */
    public FakeExpertNode answer() {
        behaviour = Behaviour.ANSWER;
        return this;
    }

    /** Chat requests get {@code status} with an OpenAI error body. */
    public FakeExpertNode fail(int status) {
        return fail(status, null);
    }

    /** Chat requests get {@code status} with an OpenAI error body whose message is {@code message} (null: "<name> fails"). */
    public FakeExpertNode fail(int status, String message) {
        failStatus = status;
        failMessage = message;
        behaviour = Behaviour.FAIL;
        return this;
    }

    /**
     * Requests without {@code Authorization: Bearer <key>} get 401: chat completions always, {@code GET /v1/models} (the
     * health check) unless {@code modelsOpen}, as some servers list models without a key.
     */
    public FakeExpertNode requireApiKey(String key, boolean modelsOpen) {
        this.requiredKey = key;
        this.modelsOpen = modelsOpen;
        return this;
    }

    /** The {@code Authorization} header of every health check ({@code GET /v1/models}), "" when absent. */
    public List<String> probeAuthorizations() {
        return probeAuthorizations;
    }

    /** Chat requests are accepted and never answered (not a byte) until the node closes. */
    public FakeExpertNode hang() {
        behaviour = Behaviour.HANG;
        return this;
    }

    /** Streamed chat requests get their first chunk, then the connection is cut without {@code [DONE]}. */
    public FakeExpertNode dieMidStream() {
        behaviour = Behaviour.DIE_MID_STREAM;
        return this;
    }

    /** Pause before each streamed chunk, and before a reply that is not streamed (a slow generation). */
    public FakeExpertNode chunkDelay(Duration delay) {
        chunkDelay = delay;
        return this;
    }

    /**
     * Streamed replies carry {@code bytes} of content, in numbered chunks of {@value #FLOOD_CHUNK} characters
     * ({@link #floodChunk}), written as fast as the connection takes them (a fast model, or a runaway one).
     */
    public FakeExpertNode flood(long bytes) {
        floodBytes = bytes;
        return this;
    }

    /** The content of flood chunk {@code i}: its number, then filler. */
    public static String floodChunk(int i) {
        String number = String.format("%08d ", i);
        return number + "x".repeat(FLOOD_CHUNK - number.length());
    }

    public static final int FLOOD_CHUNK = 1000;

    /** Bytes of streamed replies written to connections so far. */
    public long streamedBytes() {
        return streamedBytes.get();
    }

    /** Streamed replies whose connection the gateway closed before the end. */
    public int abortedStreams() {
        return abortedStreams.get();
    }

    /** Chat requests wait, without a byte, until {@link #release()}; then they are answered as usual. */
    public FakeExpertNode hold() {
        held = new CountDownLatch(1);
        return this;
    }

    /** Answers the requests held since {@link #hold()}, and the ones after. */
    public void release() {
        CountDownLatch wasHeld = held;
        held = null;
        if (wasHeld != null) {
            wasHeld.countDown();
        }
    }

    /** Replies report this usage (streams in their last chunk, when asked, as OpenAI does). */
    public FakeExpertNode reportUsage(int promptTokens, int completionTokens) {
        usage = usage(promptTokens, completionTokens);
        return this;
    }

    /** Requests with {@code stream_options} get 400, as servers that predate the field answer. */
    public FakeExpertNode rejectStreamOptions() {
        rejectsStreamOptions = true;
        return this;
    }

    /** Replies report no usage at all, as some servers do (even when a stream asks for it). */
    public FakeExpertNode reportNoUsage() {
        usage = null;
        return this;
    }

    private static ObjectNode usage(int promptTokens, int completionTokens) {
        return JSON.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
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
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        probeAuthorizations.add(authorization == null ? "" : authorization);
        if (!modelsOpen && refusedKey(exchange)) {
            return;
        }
        byte[] body = ("{\"object\": \"list\", \"data\": [{\"id\": \"" + name + "\", \"object\": \"model\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** Answers 401 and returns true when a key is required and the request does not carry it. */
    private boolean refusedKey(HttpExchange exchange) throws IOException {
        String key = requiredKey;
        if (key == null || ("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return false;
        }
        byte[] error = "{\"error\": {\"message\": \"Incorrect API key provided\", \"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(401, error.length);
        exchange.getResponseBody().write(error);
        exchange.close();
        return true;
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
        if (refusedKey(exchange)) {
            return;
        }
        CountDownLatch wait = held;
        if (wait != null) {
            try {
                wait.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (rejectsStreamOptions && request.has("stream_options")) {
            respond(exchange, 400, "Unrecognized request argument supplied: stream_options");
            return;
        }
        switch (behaviour) {
            case FAIL -> {
                respond(exchange, failStatus, failMessage == null ? name + " fails" : failMessage);
                return;
            }
            case HANG -> {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            default -> {
            }
        }
        if (request.path("stream").asBoolean(false)) {
            stream(exchange, request);
            return;
        }
        pause();
        ObjectNode completion = JSON.createObjectNode();
        completion.put("id", "chatcmpl-fake");
        completion.put("object", "chat.completion");
        completion.put("created", 1_700_000_000L);
        completion.put("model", request.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", reply());
        choice.put("finish_reason", "stop");
        ObjectNode reported = usage;
        if (reported != null) {
            completion.set("usage", reported);
        }
        byte[] body = JSON.writeValueAsBytes(completion);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** An OpenAI error body with {@code status}. */
    private static void respond(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", status >= 500 ? "server_error" : "invalid_request_error");
        byte[] error = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, error.length);
        exchange.getResponseBody().write(error);
        exchange.close();
    }

    /**
     * Streams the reply as OpenAI chunks: the role, then each word, then the finish reason and {@code [DONE]}; or,
     * dying mid-stream, the first chunk and then an aborted connection.
     */
    private void stream(HttpExchange exchange, JsonNode request) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<ObjectNode> chunks = new ArrayList<>();
        chunks.add(chunk(request, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
        String[] words = reply().split(" ");
        for (int i = 0; i < words.length; i++) {
            chunks.add(chunk(request, JSON.createObjectNode().put("content", (i == 0 ? "" : " ") + words[i]), null));
        }
        chunks.add(chunk(request, JSON.createObjectNode(), "stop"));
        ObjectNode reported = usage;
        if (reported != null && request.path("stream_options").path("include_usage").asBoolean(false)) {
            // As OpenAI does: "usage": null on every chunk, then a last chunk without choices that carries the usage.
            chunks.forEach(chunk -> chunk.putNull("usage"));
            ObjectNode last = chunk(request, JSON.createObjectNode(), null);
            last.putArray("choices");
            last.set("usage", reported);
            chunks.add(last);
        }
        if (floodBytes > 0) {
            flood(out, request);
            return;
        }
        for (ObjectNode chunk : chunks) {
            pause();
            out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (behaviour == Behaviour.DIE_MID_STREAM && chunk != chunks.getFirst()) {
                // An exception out of the handler makes the JDK server drop the connection mid-response.
                throw new IOException(name + " dies mid-stream");
            }
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        exchange.close();
    }

    private void flood(OutputStream out, JsonNode request) throws IOException {
        try {
            write(out, chunk(request, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
            for (int i = 0; (long) i * FLOOD_CHUNK < floodBytes; i++) {
                write(out, chunk(request, JSON.createObjectNode().put("content", floodChunk(i)), null));
            }
            write(out, chunk(request, JSON.createObjectNode(), "stop"));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
        } catch (IOException e) {
            abortedStreams.incrementAndGet();
            throw e;
        }
    }

    private void write(OutputStream out, ObjectNode chunk) throws IOException {
        byte[] event = ("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8);
        out.write(event);
        out.flush();
        streamedBytes.addAndGet(event.length);
    }

    private void pause() {
        try {
            Thread.sleep(chunkDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode chunk(JsonNode request, ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-fake");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1_700_000_000L);
        chunk.put("model", request.path("model").asText());
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
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
