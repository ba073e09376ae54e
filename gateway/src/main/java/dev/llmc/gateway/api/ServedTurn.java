package dev.llmc.gateway.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;

import java.util.OptionalLong;

/**
 * What a served chat turn tells the filters around it, as attributes of the current request: which expert answered
 * (the {@code expert} tag of {@code llmc.requests}) and how long the turn waited on the encoder and expert nodes
 * (subtracted from the request's time for {@code llmc.gateway.overhead}).
 */
public final class ServedTurn {
    static final String EXPERT = "llmc.served.expert";
    static final String WAITED_NANOS = "llmc.served.waited-nanos";

    private ServedTurn() {
    }

    /** Records the answering expert and the time spent waiting on the encoder and nodes so far on the current request. */
    public static void record(String expertName, long waitedNanos) {
        ServerRequestContext.currentRequest().ifPresent(request -> {
            request.setAttribute(EXPERT, expertName);
            request.setAttribute(WAITED_NANOS, waitedNanos);
        });
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
