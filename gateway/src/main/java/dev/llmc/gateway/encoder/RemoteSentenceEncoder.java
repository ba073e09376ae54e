package dev.llmc.gateway.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.model.encoder.SentenceEncoder;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Embeds texts on a gpu-node through its OpenAI-compatible {@code /v1/embeddings}. */
final class RemoteSentenceEncoder implements SentenceEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteSentenceEncoder.class);
    private static final int DIMENSION = 384;
    private final HttpClient client;
    private final String baseUrl;
    private final String id;

    /** id: the encoder the gpu-node must serve; a reply from another model is refused, never mixed in. */
    RemoteSentenceEncoder(HttpClient client, String baseUrl, String id) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        JsonNode response;
        try {
            response = client.toBlocking().retrieve(
                    HttpRequest.POST("/v1/embeddings", Map.of("input", texts, "encoding_format", "float")), JsonNode.class);
        } catch (HttpClientException e) {
            // The caller's message names no address or library text; the log has both.
            LOG.warn("the encoder at {} is unavailable: {}", baseUrl, e.getMessage());
            throw new EncoderUnavailableException("the encoder is unavailable right now; retry shortly", e);
        }
        JsonNode data = response == null ? null : response.get("data");
        if (data == null || data.size() != texts.size()) {
            LOG.warn("the encoder at {} returned a malformed embeddings response", baseUrl);
            throw new EncoderUnavailableException("the encoder returned a malformed response; retry shortly", null);
        }
        JsonNode model = response.get("model");
        if (model == null || !id.equals(model.asText())) {
            LOG.warn("the encoder at {} serves {}, but llmc.encoder.model asks for {}", baseUrl, model, id);
            throw new EncoderUnavailableException("the remote encoder serves another model than this gateway is configured for", null);
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (JsonNode item : data) {
            JsonNode values = item.get("embedding");
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) values.get(i).asDouble();
            }
            vectors.add(vector);
        }
        return vectors;
    }

    @Override
    public void close() {
        client.close();
    }
}
