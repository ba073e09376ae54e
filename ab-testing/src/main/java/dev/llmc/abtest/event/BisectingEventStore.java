package dev.llmc.abtest.event;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Stores a batch so that events the database refuses for what they contain cannot hold back the others. A batch that
 * fails with a data or statement error is halved and each half written on its own, until every refused event stands
 * alone; those are quarantined and the rest stored. A connectivity failure stops the split at once: whatever is not
 * stored yet comes back as pending, for the caller to buffer and retry.
 *
 * <p>A work list, not recursion: k refused events among n cost at most about 2k·log2(n) extra writes, and a batch
 * with none costs exactly one.
 */
public final class BisectingEventStore {
    // SQLSTATE classes that say nothing about the batch: the server or the way to it failed, retrying later helps.
    // 08 connection, 40 transaction rollback (serialisation, deadlock), 53 insufficient resources, 55 object not in
    // prerequisite state (lock not available), 57 operator intervention (shutdown), 58 system error, XX internal.
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "55", "57", "58", "XX");
    private static final int MAX_ERROR = 2000;

    private BisectingEventStore() {
    }

    /** Writes one batch in one transaction, all or nothing. */
    @FunctionalInterface
    public interface BatchWrite {
        void write(List<Event> events) throws SQLException;
    }

    /** Sets refused events aside, all or nothing. */
    @FunctionalInterface
    public interface QuarantineWrite {
        void quarantine(List<RefusedEvent> refused) throws SQLException;
    }

    /** An event the database refused on its own, with the SQLSTATE (null when the failure was not SQL) and message. */
    public record RefusedEvent(Event event, String sqlState, String error) {
    }

    /**
     * What became of a batch: events stored, events quarantined, and events still pending because the database
     * could not be reached ({@code failure} says why; null when nothing is pending).
     */
    public record Outcome(List<Event> stored, List<RefusedEvent> quarantined, List<Event> pending, Exception failure) {
        public boolean complete() {
            return pending.isEmpty();
        }
    }

    public static Outcome store(List<? extends Event> batch, BatchWrite write, QuarantineWrite quarantine) {
        List<Event> stored = new ArrayList<>(batch.size());
        List<RefusedEvent> refused = new ArrayList<>();
        List<Event> pending = new ArrayList<>();
        Exception failure = null;
        Deque<List<Event>> work = new ArrayDeque<>();
        work.push(List.copyOf(batch));
        while (!work.isEmpty()) {
            List<Event> part = work.pop();
            try {
                write.write(part);
                stored.addAll(part);
            } catch (SQLException | RuntimeException e) {
                if (!refusedForContent(e)) {
                    failure = e;
                    pending.addAll(part);
                    work.forEach(pending::addAll);
                    work.clear();
                } else if (part.size() == 1) {
                    refused.add(new RefusedEvent(part.get(0), sqlState(e), describe(e)));
                } else {
                    int middle = part.size() / 2;
                    work.push(part.subList(middle, part.size()));
                    work.push(part.subList(0, middle));
                }
            }
        }
        if (!refused.isEmpty()) {
            try {
                quarantine.quarantine(refused);
            } catch (SQLException | RuntimeException e) {
                // Not set aside, so not done with: the caller buffers them and the next attempt isolates them again.
                failure = failure == null ? e : failure;
                refused.forEach(r -> pending.add(r.event()));
                refused = List.of();
            }
        }
        return new Outcome(List.copyOf(stored), List.copyOf(refused), List.copyOf(pending), failure);
    }

    /**
     * True when the failure was caused by what the batch holds (a data exception, an integrity or statement error:
     * writing the same events again fails again), false when the database or the way to it failed.
     */
    public static boolean refusedForContent(Exception failure) {
        if (failure instanceof SQLException sql) {
            String state = sqlState(sql);
            return state != null && state.length() == 5 && !TRANSIENT_CLASSES.contains(state.substring(0, 2));
        }
        // Values the writer itself cannot encode (an instant beyond int8 microseconds, an unknown event type).
        return failure instanceof IllegalArgumentException || failure instanceof ArithmeticException;
    }

    private static String sqlState(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (e.getSQLState() != null) {
                        return e.getSQLState();
                    }
                }
            }
        }
        return null;
    }

    private static String describe(Exception failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message;
    }
}
