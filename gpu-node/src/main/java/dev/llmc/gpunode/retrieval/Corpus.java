package dev.llmc.gpunode.retrieval;

import java.util.List;

/** The exchanges of one retrieval model, read from {@code <name>.jsonl}. */
public record Corpus(String name, List<CorpusEntry> entries) {

    public Corpus {
        entries = List.copyOf(entries);
    }
}
