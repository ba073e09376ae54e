package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Optional;

/**
 * Where the {@link MessageLedger} finds messages and claimed signals before PostgreSQL has them: this process's own
 * ({@link InProcessMessageIndex}) and the one all replicas share ({@link RedisMessageIndex}). Conversations are keyed
 * by {@link dev.llmc.gateway.auth.OwnedId#key()}.
 */
interface MessageIndex {

    /** A conversation's latest message and its turn. */
    record LastMessage(String messageId, int turn) {
    }

    /** The value of a signal claimed earlier for the same message and type (null for a retry or end). */
    record EarlierClaim(@Nullable Float value) {
    }

    /** The index cannot answer right now (its store is unreachable). */
    final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A served message, found from now on by its id and as its conversation's latest. */
    void add(Exposure exposure);

    Optional<String> owner(String messageId) throws UnavailableException;

    Optional<LastMessage> latest(String conversationKey) throws UnavailableException;

    /** Claims {@code signal} unless a claim for its message and type exists; that earlier claim if one does. */
    Optional<EarlierClaim> claimIfAbsent(Signal signal) throws UnavailableException;

    /** Events every replica can now find elsewhere; an index may drop them. */
    void forget(List<? extends Event> events);
}
