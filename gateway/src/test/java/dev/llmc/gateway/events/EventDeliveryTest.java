package dev.llmc.gateway.events;

import dev.llmc.abtest.event.BisectingEventStore;
import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where batches go when PostgreSQL, the shared buffer or the disk fail, and how they come back: with in-memory fakes. */
class EventDeliveryTest {
    @TempDir
    Path dir;
    private final FakeDatabase database = new FakeDatabase();
    private final FakeBuffer buffer = new FakeBuffer();
    private final RecordingListener listener = new RecordingListener();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private EventDelivery delivery(SharedEventBuffer shared, Path spoolDir) {
        return new EventDelivery(database, shared, new DiskSpool(spoolDir), listener, Duration.ZERO, meters);
    }

    private static List<Event> events(String... ids) {
        List<Event> events = new ArrayList<>();
        for (String id : ids) {
            events.add(new Signal(id, SignalType.RETRY, null, Instant.EPOCH));
        }
        return events;
    }

    private static List<String> ids(List<? extends Event> events) {
        return events.stream().map(Event::messageId).toList();
    }

    @Test
    void aBatchPostgresTakesIsStoredAndTheLedgerForgetsIt() throws Exception {
        EventDelivery delivery = delivery(buffer, dir.resolve("spool"));

        delivery.deliver(events("m1", "m2"));

        assertEquals(List.of("m1", "m2"), database.stored);
        assertEquals(List.of("m1", "m2"), listener.stored);
        assertTrue(delivery.empty());
        assertEquals(2, delivery.storedCount());
    }

    @Test
    void withPostgresDownTheBatchWaitsInTheSharedBufferAndIsReplayedOnceItAnswers() throws Exception {
        EventDelivery delivery = delivery(buffer, dir.resolve("spool"));
        database.down = true;

        delivery.deliver(events("m1", "m2"));

        assertEquals(List.of(), database.stored);
        assertEquals(1, buffer.entries.size());
        assertEquals(List.of("m1", "m2"), listener.handedOff);
        assertEquals(1, listener.postgresFailures);
        database.down = false;
        assertFalse(delivery.replay(), "nothing more waits");
        assertEquals(List.of("m1", "m2"), database.stored);
        assertEquals(0, buffer.entries.size(), "acknowledged once stored");
        assertTrue(delivery.empty());
    }

    @Test
    void withPostgresAndTheSharedBufferDownTheBatchIsSpooledThenReplayedAndTheFileDeleted() throws Exception {
        EventDelivery delivery = delivery(buffer, dir.resolve("spool"));
        database.down = true;
        buffer.down = true;

        delivery.deliver(events("m1"));

        assertEquals(1, Files.list(dir.resolve("spool")).count());
        assertFalse(delivery.empty());
        database.down = false;
        delivery.replay();
        assertEquals(List.of("m1"), database.stored);
        assertEquals(0, Files.list(dir.resolve("spool")).count());
        assertTrue(delivery.empty());
    }

    @Test
    void whenNothingDurableTakesTheBatchItIsHeldInMemoryAndDeliveredOnTheNextReplay() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Path spool = dir.resolve("spool");
        EventDelivery delivery = delivery(null, spool);
        Files.delete(spool);
        Files.move(notADirectory, spool);  // the spool "directory" is now a file: every write fails
        database.down = true;

        delivery.deliver(events("m1", "m2"));

        assertEquals(2, delivery.heldCount());
        assertEquals(2.0, meters.get("llmc.events.held").gauge().value());
        Files.delete(spool);
        Files.createDirectories(spool);
        database.down = false;
        delivery.replay();
        assertEquals(0, delivery.heldCount());
        assertEquals(List.of("m1", "m2"), database.stored);
    }

    @Test
    void eventsPostgresRefusesForTheirContentAreQuarantinedAndTheRestStoredWithoutBuffering() throws Exception {
        EventDelivery delivery = delivery(buffer, dir.resolve("spool"));
        database.refused.add("bad");

        delivery.deliver(events("m1", "bad", "m2"));

        assertEquals(List.of("m1", "m2"), database.stored);
        assertEquals(List.of("bad"), database.quarantined);
        assertEquals(1.0, meters.get("llmc.events.quarantined").counter().count());
        assertEquals(0, buffer.entries.size());
        assertEquals(0, listener.postgresFailures, "a refused event is not an outage");
        assertTrue(listener.stored.containsAll(List.of("m1", "m2", "bad")), "the ledger forgets quarantined events too");
    }

    @Test
    void anUndecodableBufferEntryIsQuarantinedAndAcknowledgedNotRetriedForever() throws Exception {
        EventDelivery delivery = delivery(buffer, dir.resolve("spool"));
        buffer.entries.add(new SharedEventBuffer.Entry("1-0", List.of(), "garbage", "bad line"));

        delivery.replay();

        assertEquals(List.of("garbage"), database.undecodable);
        assertEquals(0, buffer.entries.size());
    }

    /** Stores everything unless down; refuses the ids in {@code refused} for their content (after the others). */
    private static final class FakeDatabase implements EventDelivery.Database {
        boolean down;
        final Set<String> refused = new HashSet<>();
        final List<String> stored = new ArrayList<>();
        final List<String> quarantined = new ArrayList<>();
        final List<String> undecodable = new ArrayList<>();

        @Override
        public BisectingEventStore.Outcome store(List<? extends Event> batch) {
            if (down) {
                return new BisectingEventStore.Outcome(List.of(), List.of(), List.copyOf(batch), new SQLException("connection refused", "08001"));
            }
            List<Event> ok = new ArrayList<>();
            List<BisectingEventStore.RefusedEvent> bad = new ArrayList<>();
            for (Event event : batch) {
                if (refused.contains(event.messageId())) {
                    bad.add(new BisectingEventStore.RefusedEvent(event, "22021", "invalid byte sequence"));
                    quarantined.add(event.messageId());
                } else {
                    ok.add(event);
                    stored.add(event.messageId());
                }
            }
            return new BisectingEventStore.Outcome(ok, bad, List.of(), null);
        }

        @Override
        public void quarantineUndecodable(String text, String error) throws SQLException {
            if (down) {
                throw new SQLException("connection refused", "08001");
            }
            undecodable.add(text);
        }
    }

    private static final class FakeBuffer implements SharedEventBuffer {
        boolean down;
        final List<Entry> entries = new ArrayList<>();

        @Override
        public void push(List<? extends Event> batch) throws IOException {
            if (down) {
                throw new IOException("Redis is down");
            }
            entries.add(new Entry(entries.size() + "-0", List.copyOf(batch), null, null));
        }

        @Override
        public List<Entry> read(int count) throws IOException {
            if (down) {
                throw new IOException("Redis is down");
            }
            return List.copyOf(entries.subList(0, Math.min(count, entries.size())));
        }

        @Override
        public void acknowledge(Entry entry) {
            entries.remove(entry);
        }

        @Override
        public long length() {
            return entries.size();
        }
    }

    private static final class RecordingListener implements EventDelivery.Listener {
        final List<String> stored = new ArrayList<>();
        final List<String> handedOff = new ArrayList<>();
        int postgresFailures;

        @Override
        public void stored(List<? extends Event> events) {
            stored.addAll(ids(events));
        }

        @Override
        public void handedOff(List<? extends Event> events) {
            handedOff.addAll(ids(events));
        }

        @Override
        public void postgresFailed() {
            postgresFailures++;
        }

        @Override
        public void postgresAnswered() {
        }
    }
}
