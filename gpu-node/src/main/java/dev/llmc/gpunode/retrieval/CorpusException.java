package dev.llmc.gpunode.retrieval;

/** A corpus directory or file that cannot be served; thrown at start-up so the node refuses to run with it. */
public final class CorpusException extends RuntimeException {

    CorpusException(String message) {
        super(message);
    }

    CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
