package dev.llmc.gpunode.embeddings;

import java.util.List;

/**
 * Embeddings of a batch of texts and the number of tokens they contained.
 *
 * @param vectors element i belongs to text i
 * @param tokens  tokens in all texts, before any truncation
 */
public record Embeddings(List<float[]> vectors, int tokens) {
}
