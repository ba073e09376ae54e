package dev.llmc.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.config.NodesConfig;
import dev.llmc.gateway.config.UpstreamConfig;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.DefaultHttpClientBuilder;
import io.netty.resolver.AddressResolverGroup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;

/**
 * Calls expert nodes with the OpenAI protocol ({@code POST <base_url>/chat/completions}, health checks
 * {@code GET <base_url>/models}), so vLLM, TGI, llama.cpp server, Ollama and the retrieval expert all work unchanged.
 * Every connection resolves its host through {@link NodeAddressPolicy}; redirects are not followed.
 */
@Singleton
public final class ExpertNodeClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertNodeClient.class);
    private final HttpClient client;
    private final HttpClient probeClient;
    private final ObjectMapper mapper;
    private final NodeHealth health;
    private final SecretCipher cipher;

    ExpertNodeClient(UpstreamConfig upstream, NodesConfig nodes, NodeAddressPolicy policy, ObjectMapper mapper,
                     NodeHealth health, SecretCipher cipher) {
        GuardedResolverGroup resolver = new GuardedResolverGroup(policy);
        this.client = guardedClient(upstream.connectTimeout(), upstream.readTimeout(), resolver);
        this.probeClient = guardedClient(nodes.healthTimeout(), nodes.healthTimeout(), resolver);
        this.mapper = mapper;
        this.health = health;
        this.cipher = cipher;
    }

    // One client for every node (requests carry absolute URLs). Micronaut 4.10's builder keeps its resolver-group
    // setter package-private (its public constructor that takes one rejects defaults), hence the reflective call; it
    // fails at start-up, not silently, if a Micronaut upgrade removes it.
    private static HttpClient guardedClient(Duration connectTimeout, Duration readTimeout, GuardedResolverGroup resolver) {
        DefaultHttpClientConfiguration http = new DefaultHttpClientConfiguration();
        http.setConnectTimeout(connectTimeout);
        http.setReadTimeout(readTimeout);
        http.setFollowRedirects(false);
        DefaultHttpClientBuilder builder = DefaultHttpClient.builder().configuration(http);
        try {
            Method setResolver = DefaultHttpClientBuilder.class.getDeclaredMethod("resolverGroup", AddressResolverGroup.class);
            setResolver.setAccessible(true);
            setResolver.invoke(builder, resolver);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install the SSRF-checking resolver in Micronaut's HTTP client", e);
        }
        return builder.build();
    }

    /** Sends the request to the expert's least-loaded healthy node, with {@code model} set to that node's model name. */
    public ObjectNode complete(Expert expert, ObjectNode request) throws UpstreamException {
        NodeHealth.Lease lease = health.lease(expert)
                .orElseThrow(() -> new UpstreamException("expert '" + expert.name() + "' has no healthy node", null));
        try (lease) {
            ExpertNode node = lease.node();
            ObjectNode body = request.deepCopy();
            body.put("model", node.model());
            MutableHttpRequest<String> post = HttpRequest.POST(URI.create(node.baseUrl() + "/chat/completions"),
                    mapper.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
            authorize(post, node);
            String response;
            try {
                response = client.toBlocking().retrieve(post, String.class);
            } catch (HttpClientResponseException e) {
                throw new UpstreamException(node.baseUrl() + " answered " + e.getStatus().getCode(), e);
            } catch (HttpClientException e) {
                // Could not connect or read at all: out of rotation until a health check passes again.
                health.record(node, false);
                throw new UpstreamException(node.baseUrl() + ": " + e.getMessage(), e);
            }
            return parseCompletion(node, response);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a JSON tree", e);
        }
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

    private ObjectNode parseCompletion(ExpertNode node, String response) throws UpstreamException {
        try {
            JsonNode completion = response == null ? null : mapper.readTree(response);
            if (completion instanceof ObjectNode object && object.path("choices").isArray()) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw new UpstreamException(node.baseUrl() + " returned malformed JSON", e);
        }
        throw new UpstreamException(node.baseUrl() + " returned no chat completion (no 'choices')", null);
    }

    @Override
    @PreDestroy
    public void close() {
        client.close();
        probeClient.close();
    }
}
