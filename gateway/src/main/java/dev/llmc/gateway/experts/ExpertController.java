package dev.llmc.gateway.experts;

import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertDraft;
import dev.llmc.registry.ExpertNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Instant;
import java.util.List;

/** The expert registry over HTTP: register, list, read and delete experts. */
@Controller("/experts")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ExpertController {
    private final ExpertService experts;
    private final JsonBodyReader json;

    ExpertController(ExpertService experts, JsonBodyReader json) {
        this.experts = experts;
        this.json = json;
    }

    /** Body of {@code POST /experts}. */
    record RegisterRequest(String name, String description, List<NodeRequest> nodes) {
    }

    /** One node in a registration. */
    record NodeRequest(String baseUrl, @Nullable String model) {
    }

    /** An expert as the API shows it; θ stays internal. */
    record ExpertView(String id, String name, String description, String owner, String status,
                      List<NodeView> nodes, Instant createdAt) {
        static ExpertView of(Expert expert) {
            return new ExpertView(expert.id(), expert.name(), expert.description(), expert.owner(),
                    expert.status().wireName(),
                    expert.nodes().stream().map(node -> new NodeView(node.baseUrl(), node.model())).toList(),
                    expert.createdAt());
        }
    }

    /** A node as the API shows it. */
    record NodeView(String baseUrl, String model) {
    }

    /** The list of experts. */
    record ExpertList(List<ExpertView> data) {
    }

    @Post
    HttpResponse<ExpertView> register(@Body @Nullable String body, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        RegisterRequest request = json.read(body, RegisterRequest.class);
        List<ExpertNode> nodes = request.nodes() == null ? null : request.nodes().stream()
                .map(node -> {
                    if (node == null) {
                        throw ApiException.invalid("nodes must not contain null");
                    }
                    return new ExpertNode(node.baseUrl(), node.model());
                })
                .toList();
        Expert expert = experts.register(new ExpertDraft(request.name(), request.description(), nodes), caller.owner());
        return HttpResponse.status(HttpStatus.CREATED).body(ExpertView.of(expert));
    }

    @Get
    ExpertList list() {
        return new ExpertList(experts.list().stream().map(ExpertView::of).toList());
    }

    @Get("/{id}")
    ExpertView get(String id) {
        return ExpertView.of(experts.get(id));
    }

    @Delete("/{id}")
    HttpResponse<Void> delete(String id) {
        experts.remove(id);
        return HttpResponse.noContent();
    }
}
