package dev.llmc.tools.simulate;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The gateway's HTTP API as the simulation uses it: every call a real request, any unexpected status an exception. */
final class GatewayClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String url;

    GatewayClient(String url) {
        this.url = url;
    }

    /** One reply of {@code POST /chat}. */
    record Reply(String messageId, String expert, String text) {
    }

    /** Registers an expert on one node; returns its id. */
    String registerExpert(String adminKey, String name, String description, String nodeBaseUrl) {
        JsonObject node = new JsonObject();
        node.addProperty("base_url", nodeBaseUrl);
        JsonArray nodes = new JsonArray();
        nodes.add(node);
        JsonObject body = new JsonObject();
        body.addProperty("name", name);
        body.addProperty("description", description);
        body.add("nodes", nodes);
        return send("POST", "/experts", adminKey, body, 201).getAsJsonObject().get("id").getAsString();
    }

    /** Issues a key of the role; returns the key itself. */
    String issueKey(String adminKey, String role, String owner) {
        JsonObject body = new JsonObject();
        body.addProperty("role", role);
        body.addProperty("owner", owner);
        return send("POST", "/keys", adminKey, body, 201).getAsJsonObject().get("key").getAsString();
    }

    Reply chat(String key, String userId, String conversationId, JsonArray messages, boolean regenerate) {
        JsonObject body = new JsonObject();
        body.addProperty("user_id", userId);
        body.addProperty("conversation_id", conversationId);
        body.add("messages", messages);
        if (regenerate) {
            body.addProperty("regenerate", true);
        }
        JsonObject reply = send("POST", "/chat", key, body, 200).getAsJsonObject();
        return new Reply(reply.get("message_id").getAsString(), reply.get("expert").getAsString(), reply.get("reply").getAsString());
    }

    /** A rating (value 1–5) or an {@code end} (value null). */
    void feedback(String key, String messageId, String type, Integer value) {
        JsonObject body = new JsonObject();
        body.addProperty("message_id", messageId);
        body.addProperty("type", type);
        if (value != null) {
            body.addProperty("value", value);
        }
        send("POST", "/feedback", key, body, 202);
    }

    /** Creates and starts a by-user experiment over all traffic: control on one controller version, candidate on another. */
    String startExperiment(String key, String name, String controlVersion, String candidateVersion) {
        JsonObject body = new JsonObject();
        body.addProperty("name", name);
        body.addProperty("unit", "user");
        body.addProperty("traffic", 1.0);
        JsonArray arms = new JsonArray();
        arms.add(arm("control", controlVersion, true));
        arms.add(arm("candidate", candidateVersion, false));
        body.add("arms", arms);
        String id = send("POST", "/experiments", key, body, 201).getAsJsonObject().get("id").getAsString();
        send("POST", "/experiments/" + id + "/start", key, null, 200);
        return id;
    }

    /** One chat message as {@code /chat} and the explanation take it. */
    static JsonObject message(String role, String content) {
        JsonObject message = new JsonObject();
        message.addProperty("role", role);
        message.addProperty("content", content);
        return message;
    }

    private static JsonObject arm(String name, String version, boolean control) {
        JsonObject arm = new JsonObject();
        arm.addProperty("name", name);
        arm.addProperty("weight", 1);
        arm.addProperty("controller_version", version);
        if (control) {
            arm.addProperty("control", true);
        }
        return arm;
    }

    void stopExperiment(String key, String id) {
        send("POST", "/experiments/" + id + "/stop", key, null, 200);
    }

    JsonObject experimentResults(String key, String id) {
        return send("GET", "/experiments/" + id + "/results", key, null, 200).getAsJsonObject();
    }

    void activate(String key, String version) {
        send("POST", "/controller/versions/" + version + "/activate", key, null, 200);
    }

    /** Linear Thompson's greedy choice for a one-turn conversation: the best posterior mean, and the observations behind it. */
    record PosteriorChoice(String expert, long observations) {
    }

    /** {@code POST /admin/routing/explain} with {@code posterior_mean}: the top expert by posterior mean for prompt. */
    PosteriorChoice posteriorMeanChoice(String adminKey, String prompt) {
        JsonArray messages = new JsonArray();
        messages.add(message("user", prompt));
        JsonObject body = new JsonObject();
        body.add("messages", messages);
        body.addProperty("top", 1);
        body.addProperty("posterior_mean", true);
        JsonObject explanation = send("POST", "/admin/routing/explain", adminKey, body, 200).getAsJsonObject();
        return new PosteriorChoice(explanation.getAsJsonArray("experts").get(0).getAsJsonObject().get("name").getAsString(),
                explanation.get("observations").getAsLong());
    }

    /** The version's offline estimate on logged traffic, empty when the gateway cannot give one for it. */
    Optional<JsonObject> offlineEstimate(String key, String version) {
        HttpResponse<String> response = request("GET", "/controller/versions/" + version + "/offline-estimate", key, null);
        return response.statusCode() == 200 ? Optional.of(JsonParser.parseString(response.body()).getAsJsonObject()) : Optional.empty();
    }

    private JsonElement send(String method, String path, String key, JsonObject body, int expected) {
        HttpResponse<String> response = request(method, path, key, body);
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? new JsonObject() : JsonParser.parseString(response.body());
    }

    private HttpResponse<String> request(String method, String path, String key, JsonObject body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }
}
