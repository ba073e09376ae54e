package dev.llmc.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;

import java.util.OptionalLong;

/**
 * What a served chat turn tells the filters around it, as attributes of the current request: which expert answered
 * (the {@code expert} tag of {@code llmc.requests}) and the tokens its {@code usage} reported (charged to the key's
 * tokens-per-minute bucket).
 */
public final class ServedTurn {
    static final String EXPERT = "llmc.served.expert";
    static final String TOTAL_TOKENS = "llmc.served.total-tokens";

    private ServedTurn() {
    }

    /** Records the answering expert and {@code usage.total_tokens} (when the node reported it) on the current request. */
    public static void record(String expertName, @Nullable JsonNode usage) {
        ServerRequestContext.currentRequest().ifPresent(request -> {
            request.setAttribute(EXPERT, expertName);
            JsonNode total = usage == null ? null : usage.get("total_tokens");
            if (total != null && total.canConvertToLong() && total.asLong() > 0) {
                request.setAttribute(TOTAL_TOKENS, total.asLong());
            }
        });
    }

    /** The expert that answered this request, if it was a served chat turn. */
    public static @Nullable String expert(HttpRequest<?> request) {
        return request.getAttribute(EXPERT, String.class).orElse(null);
    }

    /** The tokens the answering node reported, if it did. */
    public static OptionalLong totalTokens(HttpRequest<?> request) {
        return request.getAttribute(TOTAL_TOKENS, Long.class).map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
