package dev.llmc.abtest.event;

import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BisectingEventStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** A database that refuses, as PostgreSQL does, every transaction holding one of the {@code poisoned} ids. */
    private static class RefusingDatabase {
        final Set<String> poisoned;
        final List<Event> rows = new ArrayList<>();
        final List<BisectingEventStore.RefusedEvent> quarantine = new ArrayList<>();
        int writes;
        boolean down;

        RefusingDatabase(String... poisoned) {
            this.poisoned = Set.of(poisoned);
        }

        void write(List<Event> events) throws SQLException {
            writes++;
            if (down) {
                throw new SQLException("Connection refused", "08001", new ConnectException());
            }
            if (events.stream().anyMatch(e -> poisoned.contains(e.messageId()))) {
                throw new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021");
            }
            rows.addAll(events);
        }

        BisectingEventStore.Outcome store(List<Event> batch) {
            return BisectingEventStore.store(batch, this::write, quarantine::addAll);
        }
    }

    private static List<Event> signals(int n) {
        return IntStream.range(0, n).<Event>mapToObj(i -> new Signal("m" + i, SignalType.RETRY, null, T0)).toList();
    }

    @Test
    void aCleanBatchIsOneWrite() {
        RefusingDatabase db = new RefusingDatabase();

        BisectingEventStore.Outcome outcome = db.store(signals(100));

        assertEquals(1, db.writes);
        assertEquals(signals(100), outcome.stored());
        assertTrue(outcome.quarantined().isEmpty());
        assertTrue(outcome.complete());
    }

    @Test
    void refusedEventsAreIsolatedAndQuarantinedAndAllOthersStored() {
        RefusingDatabase db = new RefusingDatabase("m3", "m77", "m78");
        List<Event> batch = signals(100);

        BisectingEventStore.Outcome outcome = db.store(batch);

        List<Event> expectedStored = batch.stream().filter(e -> !db.poisoned.contains(e.messageId())).toList();
        assertEquals(expectedStored, outcome.stored());
        assertEquals(expectedStored, db.rows);
        assertEquals(List.of("m3", "m77", "m78"), db.quarantine.stream().map(r -> r.event().messageId()).toList());
        assertEquals(outcome.quarantined(), db.quarantine);
        assertEquals("22021", db.quarantine.get(0).sqlState());
        assertTrue(db.quarantine.get(0).error().contains("0x00"));
        assertTrue(outcome.complete());
        assertTrue(db.writes <= 1 + 2 * 3 * 7, "writes: " + db.writes);
    }

    @Test
    void aBatchOfOneRefusedEventIsQuarantined() {
        RefusingDatabase db = new RefusingDatabase("m0");

        BisectingEventStore.Outcome outcome = db.store(signals(1));

        assertTrue(outcome.stored().isEmpty());
        assertEquals(signals(1), db.quarantine.stream().map(BisectingEventStore.RefusedEvent::event).toList());
    }

    @Test
    void aConnectivityFailureLeavesTheBatchPendingAndQuarantinesNothing() {
        RefusingDatabase db = new RefusingDatabase("m3");
        db.down = true;

        BisectingEventStore.Outcome outcome = db.store(signals(10));

        assertEquals(1, db.writes);
        assertFalse(outcome.complete());
        assertEquals(signals(10), outcome.pending());
        assertTrue(db.quarantine.isEmpty());
        assertEquals("08001", ((SQLException) outcome.failure()).getSQLState());
    }

    @Test
    void whatIsNotStoredWhenTheConnectionDropsMidwayStaysPending() {
        RefusingDatabase db = new RefusingDatabase("m1") {
            @Override
            void write(List<Event> events) throws SQLException {
                down = writes >= 1;
                super.write(events);
            }
        };

        BisectingEventStore.Outcome outcome = db.store(signals(8));

        // Write 1 (all 8) refused, write 2 (m0..m3) fails to connect: nothing stored, everything still pending.
        assertTrue(outcome.stored().isEmpty());
        assertEquals(8, outcome.pending().size());
        assertTrue(db.quarantine.isEmpty());
    }

    @Test
    void refusedEventsStayPendingWhenTheQuarantineCannotBeWritten() {
        RefusingDatabase db = new RefusingDatabase("m2");

        BisectingEventStore.Outcome outcome = BisectingEventStore.store(signals(4), db::write, refused -> {
            throw new SQLException("terminating connection", "57P01");
        });

        assertEquals(3, outcome.stored().size());
        assertEquals(List.of("m2"), outcome.pending().stream().map(Event::messageId).toList());
        assertTrue(outcome.quarantined().isEmpty());
    }

    @Test
    void sqlStateClassDecidesContentVersusConnectivity() {
        assertTrue(BisectingEventStore.refusedForContent(new SQLException("bad", "22021")));
        assertTrue(BisectingEventStore.refusedForContent(new SQLException("check", "23514")));
        assertTrue(BisectingEventStore.refusedForContent(new SQLException("syntax", "42601")));
        assertFalse(BisectingEventStore.refusedForContent(new SQLException("refused", "08001")));
        assertFalse(BisectingEventStore.refusedForContent(new SQLException("disk full", "53100")));
        assertFalse(BisectingEventStore.refusedForContent(new SQLException("shutdown", "57P01")));
        assertFalse(BisectingEventStore.refusedForContent(new SQLException("io", "58030")));
        assertFalse(BisectingEventStore.refusedForContent(new SQLException("pool timeout")));
        assertFalse(BisectingEventStore.refusedForContent(new IllegalStateException("pool closed")));
    }

    @Test
    void aCleanOutcomeHasNoFailure() {
        assertNull(new RefusingDatabase().store(signals(3)).failure());
    }
}
