package dev.llmc.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;

import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * What a served chat turn and the filters around it tell each other, as attributes of the current request: which
 * expert answered (the {@code expert} tag of {@code llmc.requests}), how long the turn waited on the encoder and expert
 * nodes (subtracted from the request's time for {@code llmc.gateway.overhead}), and where to charge the tokens a node
 * reports (the key's tokens-per-minute bucket, offered by the rate limiter).
 */
public final class ServedTurn {
    static final String EXPERT = "llmc.served.expert";
    static final String WAITED_NANOS = "llmc.served.waited-nanos";
    static final String TOKEN_CHARGE = "llmc.served.token-charge";
    private static final LongConsumer NOT_CHARGED = tokens -> { };

    private ServedTurn() {
    }

    /** Offers the turn served for this request a place to charge the tokens its node reports. */
    public static void chargeTokensTo(HttpRequest<?> request, LongConsumer charge) {
        request.setAttribute(TOKEN_CHARGE, charge);
    }

    /**
     * Records the answering expert and the time spent waiting on the encoder and nodes so far on the current request,
     * and returns where to charge the tokens the node reports: the reply's usage, or a stream's usage chunk, which
     * comes after the response filters have run (a no-op when nothing limits tokens).
     */
    public static LongConsumer record(String expertName, long waitedNanos) {
        return ServerRequestContext.currentRequest().map(request -> {
            request.setAttribute(EXPERT, expertName);
            request.setAttribute(WAITED_NANOS, waitedNanos);
            return request.getAttribute(TOKEN_CHARGE, LongConsumer.class).orElse(NOT_CHARGED);
        }).orElse(NOT_CHARGED);
    }

    /** {@code usage.total_tokens} of a reply or chunk, when the node reported a positive count. */
    public static OptionalLong totalTokens(@Nullable JsonNode usage) {
        JsonNode total = usage == null ? null : usage.get("total_tokens");
        return total != null && total.canConvertToLong() && total.asLong() > 0 ? OptionalLong.of(total.asLong()) : OptionalLong.empty();
    }

    /** The expert that answered this request, if it was a served chat turn. */
    public static @Nullable String expert(HttpRequest<?> request) {
        return request.getAttribute(EXPERT, String.class).orElse(null);
    }

    /** Nanoseconds the turn waited on the encoder and expert nodes, if this request served one. */
    public static OptionalLong waitedNanos(HttpRequest<?> request) {
        return request.getAttribute(WAITED_NANOS, Long.class).map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
