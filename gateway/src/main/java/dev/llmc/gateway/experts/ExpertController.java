package dev.llmc.gateway.experts;

import dev.llmc.gateway.api.InvalidRequestException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertDraft;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertPatch;
import dev.llmc.registry.ExpertStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The expert registry over HTTP for model developers (their own experts) and admins (all): register, list, read, change, retire, statistics. */
@Controller("/experts")
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Caller.Role.DEVELOPER)
final class ExpertController {
    static final int MAX_BULK = 1000;
    private final ExpertService experts;
    private final ExpertStatsStore stats;
    private final NodeHealth health;
    private final JsonBodyReader json;

    ExpertController(ExpertService experts, ExpertStatsStore stats, NodeHealth health, JsonBodyReader json) {
        this.experts = experts;
        this.stats = stats;
        this.health = health;
        this.json = json;
    }

    /** Body of {@code POST /experts}. */
    record RegisterRequest(String name, String description, List<NodeRequest> nodes) {
    }

    /** Body of {@code PATCH /experts/{id}}: fields left out stay as they are; {@code nodes} replaces the list. */
    record PatchRequest(@Nullable String description, @Nullable List<NodeRequest> nodes, @Nullable String status) {
    }

    /** One node in a request; {@code weight} defaults to 1, {@code api_key} is sent to the node as a bearer token. */
    record NodeRequest(String baseUrl, @Nullable String model, @Nullable Integer weight, @Nullable String apiKey) {
    }

    /** An expert as the API shows it; θ and upstream keys stay internal. */
    record ExpertView(String id, String name, String description, String owner, String status,
                      List<NodeView> nodes, Instant createdAt, Instant updatedAt) {
    }

    /** A node as the API shows it: whether it has an upstream key, never the key; {@code healthy} as this gateway last saw it. */
    record NodeView(String baseUrl, String model, int weight, boolean hasApiKey, boolean healthy) {
    }

    /** The list of experts. */
    record ExpertList(List<ExpertView> data) {
    }

    @Post
    HttpResponse<ExpertView> register(
            @RequestBody(content = @Content(schema = @Schema(implementation = RegisterRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        RegisterRequest request = json.read(body, RegisterRequest.class);
        Expert expert = experts.register(new ExpertDraft(request.name(), request.description(), nodes(request.nodes(), "")),
                apiKeys(request.nodes()), caller);
        return HttpResponse.status(HttpStatus.CREATED).body(view(expert));
    }

    /** Body of {@code POST /experts/bulk}. */
    record BulkRegisterRequest(List<RegisterRequest> experts) {
    }

    /**
     * Admin only: registers up to {@value #MAX_BULK} experts at once, all or none, with one registry write and one
     * snapshot update (one request per expert would update the snapshot once each).
     */
    @Post("/bulk")
    @RequiresRole(Caller.Role.ADMIN)
    HttpResponse<ExpertList> registerAll(
            @RequestBody(content = @Content(schema = @Schema(implementation = BulkRegisterRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        BulkRegisterRequest request = json.read(body, BulkRegisterRequest.class);
        if (request.experts() == null || request.experts().isEmpty() || request.experts().size() > MAX_BULK) {
            throw InvalidRequestException.invalid("invalid_request", "'experts' must list 1 to " + MAX_BULK + " experts", "experts");
        }
        List<ExpertDraft> drafts = new ArrayList<>(request.experts().size());
        List<List<String>> apiKeys = new ArrayList<>(request.experts().size());
        for (int i = 0; i < request.experts().size(); i++) {
            RegisterRequest expert = request.experts().get(i);
            if (expert == null) {
                throw InvalidRequestException.invalid("invalid_request", "experts[" + i + "] must not be null", "experts[" + i + "]");
            }
            drafts.add(new ExpertDraft(expert.name(), expert.description(), nodes(expert.nodes(), "experts[" + i + "].")));
            apiKeys.add(apiKeys(expert.nodes()));
        }
        List<Expert> registered = experts.registerAll(drafts, apiKeys, caller);
        return HttpResponse.status(HttpStatus.CREATED).body(new ExpertList(registered.stream().map(this::view).toList()));
    }

    @Get
    ExpertList list(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return new ExpertList(experts.list(caller).stream().map(this::view).toList());
    }

    @Get("/{id}")
    ExpertView get(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return view(experts.get(id, caller));
    }

    @Patch("/{id}")
    ExpertView update(String id,
            @RequestBody(content = @Content(schema = @Schema(implementation = PatchRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        PatchRequest request = json.read(body, PatchRequest.class);
        ExpertPatch patch = new ExpertPatch(request.description(),
                request.nodes() == null ? null : nodes(request.nodes(), ""), status(request.status()));
        return view(experts.update(id, patch, request.nodes() == null ? List.of() : apiKeys(request.nodes()), caller));
    }

    /** Retires the expert: it is no longer routed to, and stays readable (status {@code retired}) with its statistics. */
    @Delete("/{id}")
    HttpResponse<Void> retire(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        experts.retire(id, caller);
        return HttpResponse.noContent();
    }

    @Get("/{id}/stats")
    ExpertStatsStore.ExpertStats stats(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return stats.stats(experts.get(id, caller));
    }

    @Get("/{id}/stats/series{?window}")
    ExpertStatsStore.ExpertSeries series(String id, @Nullable String window, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        String w = window == null ? "day" : window;
        if (!w.equals("day") && !w.equals("week")) {
            throw InvalidRequestException.invalid("invalid_request", "'window' must be 'day' or 'week', was '" + window + "'", "window");
        }
        return stats.series(experts.get(id, caller), w);
    }

    private ExpertView view(Expert expert) {
        return new ExpertView(expert.id(), expert.name(), expert.description(), expert.owner(), expert.status().wireName(),
                IntStream.range(0, expert.nodes().size()).mapToObj(i -> {
                    ExpertNode node = expert.nodes().get(i);
                    return new NodeView(node.baseUrl(), node.model(), node.weight(), node.encryptedApiKey() != null,
                            health.isHealthy(expert, i));
                }).toList(),
                expert.createdAt(), expert.updatedAt());
    }

    /** {@code field}: what the API's field names start with ({@code experts[i].} in a batch). */
    private static List<ExpertNode> nodes(List<NodeRequest> requests, String field) {
        if (requests == null) {
            return null;
        }
        List<ExpertNode> nodes = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            NodeRequest node = requests.get(i);
            if (node == null) {
                throw InvalidRequestException.invalid(field + "nodes[" + i + "] must not be null");
            }
            nodes.add(new ExpertNode(node.baseUrl(), node.model(), node.weight() == null ? 1 : node.weight(), null));
        }
        return nodes;
    }

    private static List<String> apiKeys(List<NodeRequest> requests) {
        // Nulls allowed (List.of would not): most nodes have no key.
        List<String> keys = new ArrayList<>();
        if (requests != null) {
            requests.forEach(node -> keys.add(node == null ? null : node.apiKey()));
        }
        return keys;
    }

    private static ExpertStatus status(String status) {
        if (status == null) {
            return null;
        }
        return switch (status) {
            case "active", "paused", "retired" -> ExpertStatus.fromWireName(status);
            default -> throw InvalidRequestException.invalid("status must be one of active, paused, retired");
        };
    }
}
