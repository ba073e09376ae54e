package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.api.InvalidRequestException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.sse.Event;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * OpenAI-compatible chat completions: {@code model: "auto"} lets the controller choose, an expert's name pins
 * it. Parameters the gateway does not use pass through to the node; the reply's {@code model} is the expert
 * and its {@code id} the gateway's message id. With {@code stream: true} the node's chunks pass through as server-sent
 * events as they arrive (each with that {@code model} and {@code id}), ending with {@code data: [DONE]}, or with an
 * {@code error} chunk if the node breaks off.
 *
 * <p>Runs on the server's event loop: the body is parsed there and {@link ChatService} moves only the turns whose
 * routing blocks to a blocking thread, so a pinned request is served without a thread hop.
 */
@RequiresRole(Caller.Role.APP)
@Controller("/v1/chat/completions")
final class ChatCompletionsController {
    static final String AUTO = "auto";
    static final String CONVERSATION_HEADER = "X-Conversation-Id";
    private static final String DONE = "[DONE]";
    private final ChatService chat;
    private final JsonBodyReader json;
    private final SseEvents sse;

    ChatCompletionsController(ChatService chat, JsonBodyReader json, SseEvents sse) {
        this.chat = chat;
        this.json = json;
        this.sse = sse;
    }

    /**
     * The fields of OpenAI's request the gateway reads, for the OpenAPI document; every other OpenAI parameter passes
     * through to the node.
     */
    @Schema(name = "ChatCompletionRequest", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record CompletionRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "'auto' or the name of an expert")
                             String model,
                             List<ChatMessages.Message> messages, @Nullable Boolean stream,
                             @Nullable @Schema(description = "the end user (unit of user-level experiments)") String user,
                             @Nullable CompletionMetadata metadata) {
    }

    /** The gateway's own part of {@code metadata}; it is removed before the request goes to the node. */
    record CompletionMetadata(@Nullable String conversationId) {
    }

    @Post
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> complete(
            @RequestBody(content = @Content(schema = @Schema(implementation = CompletionRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        ObjectNode request = json.readObject(body);
        JsonNode model = request.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw InvalidRequestException.invalid("'model' is required: 'auto' or the name of an expert (GET /v1/models)");
        }
        JsonNode stream = request.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            throw InvalidRequestException.invalid("'stream' must be true or false");
        }
        List<ChatTurn> turns = ChatMessages.parse(request.get("messages"));
        String conversationId = conversationId(request.get("metadata"));
        String userId = userId(request.get("user"), conversationId);
        // metadata is the gateway's (conversation id); nodes such as vLLM need not understand it. The parsed request
        // is this call's own, so the node's copy is made from it without a second deep copy here.
        request.remove("metadata");
        String pinned = AUTO.equals(model.asText()) ? null : model.asText();
        ChatTurnRequest turn = new ChatTurnRequest(turns, request, pinned, caller, userId, conversationId, false);
        if (stream.asBoolean(false)) {
            return chat.stream(turn).<HttpResponse<?>>map(streamed -> streamed(streamed).header(CONVERSATION_HEADER, conversationId));
        }
        return chat.complete(turn).<HttpResponse<?>>map(result -> {
            ObjectNode completion = result.completion();
            completion.put("id", result.messageId());
            completion.put("model", result.expert().name());
            return HttpResponse.ok(completion).header(CONVERSATION_HEADER, conversationId);
        });
    }

    private MutableHttpResponse<Publisher<Event<String>>> streamed(StreamedTurn turn) {
        Flux<Event<String>> events = turn.chunks()
                .map(chunk -> sse.json(null, chunk.put("id", turn.messageId()).put("model", turn.expert().name())))
                .concatWith(Mono.just(Event.of(DONE)))
                // OpenAI's clients raise an error chunk as an exception, so the caller knows the reply is cut short.
                .onErrorResume(UpstreamException.class, e -> Mono.just(sse.brokenStream(null, e)));
        return HttpResponse.ok((Publisher<Event<String>>) events).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    /**
     * OpenAI's {@code user} names the end user (the unit of user-level experiments); without it the conversation
     * stands in for the user.
     */
    private static String userId(@Nullable JsonNode user, String conversationId) {
        if (user == null || user.isNull()) {
            return conversationId;
        }
        if (!user.isTextual() || user.asText().isBlank() || user.asText().length() > 128) {
            throw InvalidRequestException.invalid("'user' must be a non-empty string of at most 128 characters");
        }
        return user.asText();
    }

    /** {@code metadata.conversation_id} when given; otherwise each request is its own conversation. */
    private static String conversationId(@Nullable JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return ChatService.newId("conv_");
        }
        if (!metadata.isObject()) {
            throw InvalidRequestException.invalid("'metadata' must be an object");
        }
        JsonNode id = metadata.get("conversation_id");
        if (id == null || id.isNull()) {
            return ChatService.newId("conv_");
        }
        if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 128) {
            throw InvalidRequestException.invalid("'metadata.conversation_id' must be a non-empty string of at most 128 characters");
        }
        return id.asText();
    }
}
