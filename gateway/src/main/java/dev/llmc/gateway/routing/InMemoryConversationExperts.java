package dev.llmc.gateway.routing;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/** Conversation experts in this process, for a gateway without Redis; expired entries are swept every so many writes. */
final class InMemoryConversationExperts implements ConversationExperts {
    private static final int SWEEP_EVERY = 4096;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();
    private final long ttlMillis;
    private final LongSupplier clockMillis;

    InMemoryConversationExperts(Duration ttl, LongSupplier clockMillis) {
        this.ttlMillis = ttl.toMillis();
        this.clockMillis = clockMillis;
    }

    private record Entry(String expertId, long expiresAt) {
    }

    @Override
    public Optional<String> get(String conversationId) {
        Entry entry = entries.get(conversationId);
        return entry == null || entry.expiresAt() <= clockMillis.getAsLong() ? Optional.empty() : Optional.of(entry.expertId());
    }

    @Override
    public void put(String conversationId, String expertId) {
        long now = clockMillis.getAsLong();
        entries.put(conversationId, new Entry(expertId, now + ttlMillis));
        if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
            entries.values().removeIf(entry -> entry.expiresAt() <= now);
        }
    }
}
