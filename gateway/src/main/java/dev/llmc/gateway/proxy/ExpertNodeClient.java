package dev.llmc.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.config.UpstreamConfig;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls an expert's node with the OpenAI chat completions protocol ({@code POST <base_url>/chat/completions}),
 * so vLLM, TGI, llama.cpp server, Ollama and the retrieval expert all work unchanged.
 */
@Singleton
public final class ExpertNodeClient implements AutoCloseable {
    private final HttpClient client;
    private final ObjectMapper mapper;

    ExpertNodeClient(UpstreamConfig config, ObjectMapper mapper) {
        DefaultHttpClientConfiguration http = new DefaultHttpClientConfiguration();
        http.setConnectTimeout(config.connectTimeout());
        http.setReadTimeout(config.readTimeout());
        // One client for every node: requests carry absolute URLs.
        this.client = HttpClient.create(null, http);
        this.mapper = mapper;
    }

    /** Sends the request to one of the expert's nodes, with {@code model} set to that node's model name. */
    public ObjectNode complete(Expert expert, ObjectNode request) throws UpstreamException {
        ExpertNode node = expert.nodes().get(ThreadLocalRandom.current().nextInt(expert.nodes().size()));
        ObjectNode body = request.deepCopy();
        body.put("model", node.model());
        URI uri = URI.create(node.baseUrl() + "/chat/completions");
        String response;
        try {
            response = client.toBlocking().retrieve(
                    HttpRequest.POST(uri, mapper.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE),
                    String.class);
        } catch (HttpClientResponseException e) {
            throw new UpstreamException(node.baseUrl() + " answered " + e.getStatus().getCode(), e);
        } catch (HttpClientException e) {
            throw new UpstreamException(node.baseUrl() + ": " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a JSON tree", e);
        }
        return parseCompletion(node, response);
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
    }
}
