package dev.llmc.gateway.auth;

import dev.llmc.gateway.api.JsonBodyReader;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.Instant;
import java.util.List;

/** Key management for admins: issue a key (its secret is shown once), list keys without secrets, revoke a key. */
@Controller("/keys")
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Caller.Role.ADMIN)
final class KeyController {
    private final KeyService keys;
    private final JsonBodyReader json;

    KeyController(KeyService keys, JsonBodyReader json) {
        this.keys = keys;
        this.json = json;
    }

    /** Body of {@code POST /keys}. */
    record IssueRequest(String role, String owner, @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute) {
    }

    /** The issued key, secret included; null limits follow the configured defaults. */
    record IssuedView(String id, String key, String role, String owner, @Nullable Long requestsPerMinute,
                      @Nullable Long tokensPerMinute, Instant createdAt) {
    }

    /** A key as listed: never its secret, only the first characters to recognise it. */
    record KeyView(String id, String prefix, String role, String owner, @Nullable Long requestsPerMinute,
                   @Nullable Long tokensPerMinute, Instant createdAt, @Nullable Instant revokedAt) {
    }

    /** The list of keys. */
    record KeyList(List<KeyView> data) {
    }

    @Post
    HttpResponse<IssuedView> issue(
            @RequestBody(content = @Content(schema = @Schema(implementation = IssueRequest.class))) @Body @Nullable String body) {
        IssueRequest request = json.read(body, IssueRequest.class);
        KeyService.IssuedKey issued = keys.issue(request.role(), request.owner(),
                new Caller.Limits(request.requestsPerMinute(), request.tokensPerMinute()));
        return HttpResponse.status(HttpStatus.CREATED).body(new IssuedView(issued.id(), issued.key(), issued.role().wireName(),
                issued.owner(), issued.limits().requestsPerMinute(), issued.limits().tokensPerMinute(), issued.createdAt()));
    }

    @Get
    KeyList list() {
        return new KeyList(keys.list().stream().map(key -> new KeyView(key.id(), key.prefix(), key.role().wireName(),
                key.owner(), key.limits().requestsPerMinute(), key.limits().tokensPerMinute(), key.createdAt(), key.revokedAt()))
                .toList());
    }

    @Delete("/{id}")
    HttpResponse<Void> revoke(String id) {
        keys.revoke(id);
        return HttpResponse.noContent();
    }
}
