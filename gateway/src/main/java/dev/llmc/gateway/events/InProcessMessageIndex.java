package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.gateway.auth.OwnedId;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's events that no other replica can find yet: those still on their way to PostgreSQL or the shared
 * index. Entries leave when {@link #forget} says they are stored (or indexed in Redis), so memory follows the backlog.
 */
final class InProcessMessageIndex implements MessageIndex {
    private final ConcurrentHashMap<String, Exposure> messages = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Exposure> latest = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();

    @Override
    public void add(Exposure exposure) {
        messages.put(exposure.messageId(), exposure);
        latest.put(conversationKey(exposure), exposure);
    }

    @Override
    public Optional<String> owner(String messageId) {
        return Optional.ofNullable(messages.get(messageId)).map(Exposure::owner);
    }

    @Override
    public Optional<LastMessage> latest(String conversationKey) {
        return Optional.ofNullable(latest.get(conversationKey)).map(e -> new LastMessage(e.messageId(), e.turn()));
    }

    @Override
    public Optional<EarlierClaim> claimIfAbsent(Signal signal) {
        return Optional.ofNullable(signals.putIfAbsent(signal.key(), signal)).map(earlier -> new EarlierClaim(earlier.value()));
    }

    /** Withdraws a claim this process made (an earlier one turned up in PostgreSQL). */
    void withdraw(Signal signal) {
        signals.remove(signal.key(), signal);
    }

    @Override
    public void forget(List<? extends Event> events) {
        for (Event event : events) {
            switch (event) {
                case Exposure exposure -> {
                    messages.remove(exposure.messageId());
                    latest.remove(conversationKey(exposure), exposure);
                }
                case Signal signal -> signals.remove(signal.key(), signal);
                default -> {
                }
            }
        }
    }

    /** Messages and signals held. */
    int size() {
        return messages.size() + signals.size();
    }

    private static String conversationKey(Exposure exposure) {
        return new OwnedId(exposure.owner(), exposure.conversationId()).key();
    }
}
