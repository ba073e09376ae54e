package dev.llmc.model.encoder;

/**
 * Observes {@link BatchingSentenceEncoder} (for metrics); called on the encoder's worker and caller threads, so
 * implementations must be thread-safe and quick.
 */
public interface BatchListener {

    /** A listener that ignores everything. */
    BatchListener NONE = new BatchListener() {
    };

    /** One text left the queue for a batch after waiting this long. */
    default void queueWait(long nanos) {
    }

    /** One batch was encoded. */
    default void batchEncoded(BatchStats stats) {
    }

    /** A caller's texts were refused because the queue was full. */
    default void rejected(int texts) {
    }
}
