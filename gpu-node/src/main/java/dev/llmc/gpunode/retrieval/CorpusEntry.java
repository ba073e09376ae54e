package dev.llmc.gpunode.retrieval;

/** One stored exchange: when a conversation resembles {@code prompt}, the expert answers {@code response}. */
public record CorpusEntry(String prompt, String response) {
}
