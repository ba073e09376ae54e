package dev.llmc.gateway.feedback;

import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

/** {@code POST /feedback}: a rating (1..5), a retry, or the end of a conversation, for one message; 202 once queued. */
@RequiresRole(Caller.Role.APP)
@Controller("/feedback")
@ExecuteOn(TaskExecutors.BLOCKING)
final class FeedbackController {
    private final FeedbackService feedback;
    private final JsonBodyReader json;

    FeedbackController(FeedbackService feedback, JsonBodyReader json) {
        this.feedback = feedback;
        this.json = json;
    }

    /** Body of {@code POST /feedback}. */
    record FeedbackRequest(String messageId, String type, @Nullable Double value) {
    }

    /** Answer of {@code POST /feedback}: what was accepted, and whether it repeated an earlier identical signal. */
    record FeedbackAccepted(String messageId, String type, @Nullable Float value, boolean duplicate) {
    }

    @Post
    HttpResponse<FeedbackAccepted> submit(
            @RequestBody(content = @Content(schema = @Schema(implementation = FeedbackRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        FeedbackRequest request = json.read(body, FeedbackRequest.class);
        FeedbackService.Outcome outcome = feedback.submit(caller, request.messageId(), request.type(), request.value());
        return HttpResponse.status(HttpStatus.ACCEPTED).body(new FeedbackAccepted(outcome.signal().messageId(),
                outcome.signal().type().wireName(), outcome.signal().value(), outcome.repeated()));
    }
}
