package dev.llmc.abtest.event;

/** Something the event log stores: an {@link Exposure} or a {@link dev.llmc.abtest.signal.Signal}. */
public interface Event {
    String messageId();
}
