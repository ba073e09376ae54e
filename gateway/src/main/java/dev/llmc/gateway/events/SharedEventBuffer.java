package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;

import java.util.List;

/** Where batches wait for PostgreSQL, shared by every replica ({@link RedisEventBuffer}); at-least-once delivery. */
interface SharedEventBuffer {

    /**
     * A batch read from the buffer; acknowledge it once it is stored. An entry that does not decode has no events but
     * its raw text ({@code undecodable}) and the decoding {@code error}, so that it can be set aside, not retried forever.
     */
    record Entry(String id, List<Event> events, String undecodable, String error) {
    }

    void push(List<? extends Event> batch) throws Exception;

    /** Up to {@code count} batches, this replica's unacknowledged ones first. */
    List<Entry> read(int count) throws Exception;

    void acknowledge(Entry entry) throws Exception;

    long length() throws Exception;
}
