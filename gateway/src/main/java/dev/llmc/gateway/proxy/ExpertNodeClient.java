package dev.llmc.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.config.NodesConfig;
import dev.llmc.gateway.config.UpstreamConfig;
import dev.llmc.registry.ExpertNode;
import io.micronaut.http.HttpHeaders;
import io.micronaut.core.io.buffer.ByteBuffer;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.DefaultHttpClientBuilder;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Calls expert nodes with the OpenAI protocol ({@code POST <base_url>/chat/completions}, streamed as server-sent
 * events when asked; health checks {@code GET <base_url>/models}), so vLLM, TGI, llama.cpp server, Ollama and the
 * retrieval expert all work unchanged. Every connection resolves its host through {@link NodeAddressPolicy}; redirects
 * are not followed. Failures arrive as {@link UpstreamException}s; a node that cannot be connected to leaves rotation
 * until a health check passes.
 */
@Singleton
public final class ExpertNodeClient implements NodeClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertNodeClient.class);
    private static final String DONE = "[DONE]";

    static {
        // A node call abandoned on a timeout (or by its caller) still reports its connection closing afterwards, from
        // inside the HTTP client where no subscriber is left; Reactor's default logs that as an ERROR with a stack trace
        // ("onErrorDropped"), which is noise: the failure was handled when the call was abandoned. Other dropped errors
        // stay errors. The hook is global and cumulative, so it is installed once per JVM.
        Hooks.onErrorDropped(e -> {
            if (e instanceof HttpClientException || e instanceof UpstreamException || e instanceof TimeoutException) {
                LOG.debug("error after a node call was abandoned: {}", e.toString());
            } else {
                LOG.error("error dropped by a reactive stream with no one left to receive it", e);
            }
        });
    }
    private final DefaultHttpClient client;
    private final DefaultHttpClient probeClient;
    private static final int MAX_REASON = 300;
    private final ObjectMapper mapper;
    private final SecretCipher cipher;
    private final Duration firstByteTimeout;
    private final Duration totalTimeout;
    private final long streamBuffer;

    ExpertNodeClient(UpstreamConfig upstream, NodesConfig nodes, NodeAddressPolicy policy, ObjectMapper mapper,
                     SecretCipher cipher, EventLoopGroupRegistry eventLoops) {
        GuardedResolverGroup resolver = new GuardedResolverGroup(policy);
        // The server's event loops also carry the node connections: one pair of event loops on the machine's cores
        // instead of two pairs competing for them.
        EventLoopGroup group = eventLoops.getDefaultEventLoopGroup();
        // The client's own read timeout is only a backstop: first-byte and total timeouts are applied per call below.
        this.client = guardedClient(upstream.connectTimeout(), upstream.totalTimeout().plusSeconds(1), resolver, group);
        this.probeClient = guardedClient(nodes.healthTimeout(), nodes.healthTimeout(), resolver, group);
        this.mapper = mapper;
        this.cipher = cipher;
        this.firstByteTimeout = upstream.firstByteTimeout();
        this.totalTimeout = upstream.totalTimeout();
        this.streamBuffer = upstream.streamBuffer();
    }

    // One client for every node (requests carry absolute URLs). Micronaut 4.10's builder keeps its resolver-group and
    // event-loop-group setters package-private (its public constructor that takes them rejects defaults), hence the
    // reflective calls; they fail at start-up, not silently, if a Micronaut upgrade removes them. A client given a
    // group does not shut it down when closed.
    private static DefaultHttpClient guardedClient(Duration connectTimeout, Duration readTimeout, GuardedResolverGroup resolver,
                                                   EventLoopGroup group) {
        DefaultHttpClientConfiguration http = new DefaultHttpClientConfiguration();
        http.setConnectTimeout(connectTimeout);
        http.setReadTimeout(readTimeout);
        http.setReadIdleTimeout(readTimeout);
        http.setFollowRedirects(false);
        // A chat turn calls its node from the event loop that serves the caller's connection (ChatService): a pooled
        // connection on that same loop answers there too, without handing the reply to the other loop.
        http.getConnectionPoolConfiguration().setConnectionLocality(
                HttpClientConfiguration.ConnectionPoolConfiguration.ConnectionLocality.ENFORCED_IF_SAME_GROUP);
        DefaultHttpClientBuilder builder = DefaultHttpClient.builder().configuration(http);
        try {
            Method setResolver = DefaultHttpClientBuilder.class.getDeclaredMethod("resolverGroup", AddressResolverGroup.class);
            setResolver.setAccessible(true);
            setResolver.invoke(builder, resolver);
            Method setGroup = DefaultHttpClientBuilder.class.getDeclaredMethod("eventLoopGroup", EventLoopGroup.class);
            setGroup.setAccessible(true);
            setGroup.invoke(builder, group);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot configure Micronaut's HTTP client (SSRF-checking resolver, event loops)", e);
        }
        return builder.build();
    }

    /**
     * One non-streaming chat completion from this node, {@code model} set to the node's model name, within the total
     * timeout. (A non-streaming node sends its first byte only when the reply is complete, so no first-byte timeout.)
     */
    @Override
    public Mono<ObjectNode> complete(ExpertNode node, ObjectNode request) {
        return Mono.defer(() -> Mono.from(client.retrieve(post(node, request, false), byte[].class)))
                .timeout(totalTimeout)
                .switchIfEmpty(Mono.error(() -> new UpstreamException(UpstreamException.Kind.MALFORMED,
                        node.baseUrl() + " returned an empty body", null)))
                .map(body -> parseCompletion(node, body))
                .onErrorMap(e -> upstreamError(node, e));
    }

    /**
     * This node's streamed chat completion: each {@code data:} chunk parsed, completing at {@code data: [DONE]}. The
     * first chunk must come within the first-byte timeout and the whole stream within the total timeout; a stream
     * that ends without {@code [DONE]} fails as {@link UpstreamException.Kind#BROKEN} rather than pass as complete.
     * The node is read on demand, at most {@code llmc.upstream.stream-buffer} bytes ahead of the subscriber.
     */
    @Override
    public Flux<ObjectNode> stream(ExpertNode node, ObjectNode request) {
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        Duration first = firstByteTimeout.compareTo(totalTimeout) < 0 ? firstByteTimeout : totalTimeout;
        // The raw byte stream with an error type, parsed here: the client's event stream drops an error status's body,
        // and a node's reason for refusing the request is what the caller needs to see.
        return Flux.defer(() -> {
                    ServerSentEventData events = new ServerSentEventData();
                    Flux<byte[]> bytes = Flux.from(client.dataStream(post(node, request, true), Argument.STRING))
                            .map(ByteBuffer::toByteArray);
                    // Parsed a piece at a time as the caller takes events: what a slow caller leaves unread stays
                    // within the read-ahead, and the node waits. A broken connection is signalled after the events
                    // already received (concatMapIterable would drop those a slow caller has not asked for yet).
                    return BoundedReadAhead.of(bytes, streamBuffer)
                            .concatMapDelayError(piece -> Flux.fromIterable(events.feed(piece)), 1);
                })
                .timeout(Mono.delay(first), chunk -> Mono.delay(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
                .map(String::strip)
                .concatWith(Mono.error(() -> new UpstreamException(UpstreamException.Kind.BROKEN,
                        node.baseUrl() + ": the stream ended before data: [DONE]", null)))
                .takeWhile(data -> !data.equals(DONE))
                .map(data -> parseChunk(node, data))
                .onErrorMap(e -> upstreamError(node, e));
    }

    private MutableHttpRequest<byte[]> post(ExpertNode node, ObjectNode request, boolean stream) {
        // Only the top level differs per node (model, stream): a shallow copy shares the messages with the caller's
        // request, which no one modifies, instead of copying them for every attempt.
        ObjectNode body = request.objectNode().setAll(request);
        body.put("model", node.model());
        if (stream) {
            body.put("stream", true);
        } else {
            body.remove("stream");
        }
        MutableHttpRequest<byte[]> post;
        try {
            post = HttpRequest.POST(URI.create(node.baseUrl() + "/chat/completions"), mapper.writeValueAsBytes(body))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a JSON tree", e);
        }
        try {
            authorize(post, node);
        } catch (UpstreamException e) {
            throw new UncheckedUpstream(e);
        }
        return post;
    }

    private Throwable upstreamError(ExpertNode node, Throwable e) {
        if (e instanceof UpstreamException) {
            return e;
        }
        if (e instanceof UncheckedUpstream unchecked) {
            return unchecked.getCause();
        }
        if (e instanceof MalformedReply) {
            return new UpstreamException(UpstreamException.Kind.MALFORMED, e.getMessage(), null);
        }
        if (e instanceof TimeoutException || e instanceof ReadTimeoutException) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, node.baseUrl() + " did not answer in time", e);
        }
        if (e instanceof HttpClientResponseException response) {
            int status = response.getStatus().getCode();
            String reason = reason(node, response);
            return new UpstreamException(statusKind(status), node.baseUrl() + " answered " + status + ": " + reason, e,
                    status, reason);
        }
        if (e instanceof HttpClientException) {
            // Could not connect, or the connection broke: the caller takes the node out of rotation until a health check passes.
            return new UpstreamException(UpstreamException.Kind.REFUSED, node.baseUrl() + ": " + e.getMessage(), e);
        }
        return e;
    }

    /**
     * What a node's error status says: 401/403/404 are about the expert's configuration (key, model, URL), 408/429/5xx
     * about the node's state (worth trying elsewhere), and any other 4xx about the request itself.
     */
    static UpstreamException.Kind statusKind(int status) {
        return switch (status) {
            case 401, 403, 404 -> UpstreamException.Kind.MISCONFIGURED;
            case 408, 429 -> UpstreamException.Kind.STATUS;
            default -> status >= 400 && status < 500 ? UpstreamException.Kind.REJECTED : UpstreamException.Kind.STATUS;
        };
    }

    /**
     * The node's own error message (OpenAI's {@code error.message}, or {@code message}/{@code detail}/{@code error} as
     * other servers send it, else the body's text), on one line, without the node's address, at most
     * {@value #MAX_REASON} characters; the status's reason phrase when the body says nothing.
     */
    String reason(ExpertNode node, HttpClientResponseException response) {
        String text;
        try {
            text = response.getResponse().getBody(String.class).orElse("");
        } catch (RuntimeException e) {
            text = "";
        }
        String message = text;
        try {
            JsonNode body = mapper.readTree(text);
            if (body != null && body.isObject()) {
                JsonNode error = body.path("error");
                JsonNode found = error.path("message").isTextual() ? error.path("message")
                        : error.isTextual() ? error
                        : body.path("message").isTextual() ? body.path("message")
                        : body.path("detail");
                message = found.isTextual() ? found.asText() : found.isMissingNode() || found.isNull() ? "" : found.toString();
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the text itself.
        }
        return safeReason(node.baseUrl(), message, response.getStatus().getReason());
    }

    /** {@code message} trimmed to one line of at most {@value #MAX_REASON} characters, the node's address removed. */
    static String safeReason(String baseUrl, String message, String fallback) {
        String cleaned = message == null ? "" : message;
        URI uri = URI.create(baseUrl);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        cleaned = cleaned.replace(baseUrl, "<node>").replace(origin, "<node>");
        if (uri.getRawAuthority() != null) {
            cleaned = cleaned.replace(uri.getRawAuthority(), "<node>");
        }
        if (uri.getHost() != null && !uri.getHost().isEmpty()) {
            cleaned = cleaned.replace(uri.getHost(), "<node>");
        }
        cleaned = cleaned.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (cleaned.isEmpty()) {
            cleaned = fallback == null ? "" : fallback;
        }
        return cleaned.length() <= MAX_REASON ? cleaned : cleaned.substring(0, MAX_REASON - 1) + "…";
    }

    /** Health check: whether {@code GET <base_url>/models} answers 2xx within the health timeout. */
    public boolean probe(ExpertNode node) {
        try {
            MutableHttpRequest<?> get = HttpRequest.GET(URI.create(node.baseUrl() + "/models"));
            authorize(get, node);
            probeClient.toBlocking().exchange(get, String.class);
            return true;
        } catch (UpstreamException | HttpClientException | IllegalArgumentException e) {
            LOG.debug("health check of {} failed: {}", node.baseUrl(), e.getMessage());
            return false;
        }
    }

    private void authorize(MutableHttpRequest<?> request, ExpertNode node) throws UpstreamException {
        if (node.encryptedApiKey() != null) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + cipher.open(node.encryptedApiKey(), node.baseUrl()));
        }
    }

    private ObjectNode parseCompletion(ExpertNode node, byte[] response) {
        JsonNode completion = parse(node, () -> mapper.readTree(response));
        if (completion instanceof ObjectNode object && object.path("choices").isArray()) {
            return object;
        }
        throw new MalformedReply(node.baseUrl() + " returned no chat completion (no 'choices')");
    }

    private ObjectNode parseChunk(ExpertNode node, String data) {
        if (parse(node, () -> mapper.readTree(data)) instanceof ObjectNode chunk) {
            return chunk;
        }
        throw new MalformedReply(node.baseUrl() + " streamed a chunk that is not a JSON object");
    }

    /** Reads a JSON tree from a node's reply (the body's bytes, or a stream chunk's text). */
    private interface TreeRead {
        JsonNode read() throws IOException;
    }

    private static JsonNode parse(ExpertNode node, TreeRead read) {
        try {
            return read.read();
        } catch (IOException e) {
            throw new MalformedReply(node.baseUrl() + " returned malformed JSON");
        }
    }

    /** Thrown inside a reactive map, where checked exceptions cannot be; becomes a MALFORMED UpstreamException. */
    private static final class MalformedReply extends RuntimeException {
        MalformedReply(String message) {
            super(message, null, false, false);
        }
    }

    /** Carries a checked UpstreamException out of a reactive lambda. */
    private static final class UncheckedUpstream extends RuntimeException {
        UncheckedUpstream(UpstreamException cause) {
            super(cause);
        }
    }

    @Override
    @PreDestroy
    public void close() {
        client.close();
        probeClient.close();
    }
}
