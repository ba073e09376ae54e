package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.sse.Event;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's own chat endpoint: one conversation turn in, the routed expert's reply out; with {@code "stream": true}
 * as server-sent events {@code meta} {message_id, conversation_id, expert}, {@code delta} {content} as the node sends
 * text, then {@code done} {message_id, finish_reason}, or {@code error} (OpenAI's error shape) if the node breaks off.
 * Runs on the server's event loop; {@link ChatService} routes the turn (encoder, Redis) on a blocking thread.
 */
@RequiresRole(Caller.Role.APP)
@Controller("/chat")
final class ChatController {
    private static final int MAX_ID_LENGTH = 128;
    private final ChatService chat;
    private final JsonBodyReader json;
    private final ObjectMapper mapper;
    private final SseEvents sse;

    ChatController(ChatService chat, JsonBodyReader json, ObjectMapper mapper, SseEvents sse) {
        this.chat = chat;
        this.json = json;
        this.mapper = mapper;
        this.sse = sse;
    }

    /** Body of {@code POST /chat}; {@code regenerate} replaces the conversation's last reply and records a retry on it. */
    record ChatRequest(String userId, String conversationId,
                       @ArraySchema(schema = @Schema(implementation = ChatMessages.Message.class)) JsonNode messages,
                       @Nullable Boolean regenerate,
                       @Nullable Boolean stream) {
    }

    /** Answer of {@code POST /chat}. */
    record ChatResponse(String messageId, String conversationId, String expert, String reply) {
    }

    /** Data of a streamed reply's {@code meta} event. */
    record StreamMeta(String messageId, String conversationId, String expert) {
    }

    /** Data of a {@code delta} event: the next piece of the reply's text. */
    record StreamDelta(String content) {
    }

    /** Data of the {@code done} event: why the node stopped ("stop", "length", …; null if it did not say). */
    record StreamDone(String messageId, @Nullable String finishReason) {
    }

    @Post
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> chat(
            @RequestBody(content = @Content(schema = @Schema(implementation = ChatRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        ChatRequest request = json.read(body, ChatRequest.class);
        requireId("user_id", request.userId());
        requireId("conversation_id", request.conversationId());
        boolean regenerate = Boolean.TRUE.equals(request.regenerate());
        List<ChatTurn> turns = ChatMessages.parse(request.messages());
        JsonNode messages = request.messages();
        if (regenerate && turns.size() > 1 && turns.getLast().role().equals("assistant")) {
            // The client may send the reply it wants replaced; the new reply answers the user turn before it.
            turns = turns.subList(0, turns.size() - 1);
            ArrayNode trimmed = mapper.createArrayNode();
            for (int i = 0; i < messages.size() - 1; i++) {
                trimmed.add(messages.get(i));
            }
            messages = trimmed;
        }
        ChatMessages.requireLastFromUser(turns);
        ObjectNode upstream = mapper.createObjectNode();
        upstream.set("messages", messages);
        upstream.put("user", request.userId());
        ChatTurnRequest turn = new ChatTurnRequest(turns, upstream, null, caller, request.userId(),
                request.conversationId(), regenerate);
        if (Boolean.TRUE.equals(request.stream())) {
            return chat.stream(turn).<HttpResponse<?>>map(streamed -> streamed(streamed, request.conversationId()));
        }
        return chat.complete(turn).<HttpResponse<?>>map(result -> HttpResponse.ok(new ChatResponse(result.messageId(), request.conversationId(),
                result.expert().name(), result.reply())));
    }

    private HttpResponse<Publisher<Event<String>>> streamed(StreamedTurn turn, String conversationId) {
        AtomicReference<String> finishReason = new AtomicReference<>();
        Flux<Event<String>> deltas = turn.chunks().concatMap(chunk -> {
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.path("finish_reason").isTextual()) {
                finishReason.set(choice.get("finish_reason").asText());
            }
            String content = choice.path("delta").path("content").asText("");
            return content.isEmpty() ? Mono.empty() : Mono.just(sse.json("delta", new StreamDelta(content)));
        });
        Flux<Event<String>> events = Flux.concat(
                        Mono.just(sse.json("meta", new StreamMeta(turn.messageId(), conversationId, turn.expert().name()))),
                        deltas,
                        Mono.fromSupplier(() -> sse.json("done", new StreamDone(turn.messageId(), finishReason.get()))))
                .onErrorResume(UpstreamException.class, e -> Mono.just(sse.brokenStream("error", e)));
        return HttpResponse.ok((Publisher<Event<String>>) events).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    private static void requireId(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw InvalidRequestException.invalid("'" + field + "' is required");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw InvalidRequestException.invalid("'" + field + "' must be at most " + MAX_ID_LENGTH + " characters");
        }
    }
}
