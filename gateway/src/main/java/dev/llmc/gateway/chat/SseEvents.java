package dev.llmc.gateway.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.openai.OpenAiError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.sse.Event;
import jakarta.inject.Singleton;

/** Server-sent events with JSON data, shared by both chat endpoints' streaming variants. */
@Singleton
final class SseEvents {
    /** The error code of a stream the expert's node broke off after it had begun. */
    static final String STREAM_BROKEN = "upstream_stream_broken";
    private final ObjectMapper mapper;

    SseEvents(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** An event whose data is {@code value} as compact (single-line) JSON; {@code name} null for an unnamed event. */
    Event<String> json(@Nullable String name, Object value) {
        try {
            Event<String> event = Event.of(mapper.writeValueAsString(value));
            return name == null ? event : event.name(name);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise an event", e);
        }
    }

    /** The OpenAI-shaped error a stream ends with when its node fails after the first byte. */
    Event<String> brokenStream(@Nullable String name, Throwable cause) {
        // The cause's message names the node's address, which is for the log, not the caller.
        String kind = cause instanceof UpstreamException upstream ? upstream.kind().tag() : "error";
        return json(name, OpenAiError.of(502, STREAM_BROKEN, "the expert's reply broke off (" + kind + ")"));
    }
}
