package dev.llmc.gpunode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A plain JDK HTTP client for tests, so that requests (malformed ones included) go over the wire byte for byte. */
public final class OpenAiHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newHttpClient();
    private final URI base;

    public OpenAiHttp(EmbeddedServer server) {
        this.base = server.getURI();
    }

    /** A response: its status and its body parsed as JSON. */
    public record Reply(int status, JsonNode body) {
    }

    public Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A streamed response: its status, content type, and the data of each server-sent event in order. */
    public record Stream(int status, String contentType, java.util.List<String> data) {
    }

    public Stream postStream(String path, String json) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = client.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofLines());
            java.util.List<String> data = response.body().filter(line -> line.startsWith("data:"))
                    .map(line -> line.substring("data:".length()).strip()).toList();
            return new Stream(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Parses a response body; an empty body is a missing node. */
    public static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a JSON string from a tree, for request bodies that are awkward to write inline. */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
