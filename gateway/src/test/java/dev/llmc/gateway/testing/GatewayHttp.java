package dev.llmc.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Raw HTTP against a running gateway, so tests see exactly the status, headers and body a client would. */
public final class GatewayHttp {
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI base;
    private final String key;

    public GatewayHttp(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** A status, body and headers as received. */
    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            return FakeExpertNode.json(body);
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    public Reply post(String path, String body) {
        return send(request(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply get(String path) {
        return send(request(path, key).GET());
    }

    public Reply patch(String path, String body) {
        return send(request(path, key).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply delete(String path) {
        return send(request(path, key).DELETE());
    }

    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request builder with this caller's key, for requests that need their own headers. */
    public HttpRequest.Builder request(String path) {
        return request(path, key);
    }

    /** A request builder with the given key (null: no Authorization header). */
    public HttpRequest.Builder request(String path, String withKey) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path));
        return withKey == null ? builder : builder.header("Authorization", "Bearer " + withKey);
    }

    /** Registers an expert and returns its JSON. */
    public JsonNode registerExpert(String name, String description, String baseUrl) {
        Reply reply = post("/experts", """
                {"name": "%s", "description": "%s", "nodes": [{"base_url": "%s"}]}"""
                .formatted(name, description, baseUrl));
        if (reply.status() != 201) {
            throw new AssertionError("registering " + name + " failed: " + reply.status() + " " + reply.body());
        }
        return reply.json();
    }
}
