package dev.llmc.gpunode.retrieval;

/**
 * A model this node serves.
 *
 * @param created epoch seconds when the node loaded it
 */
public record ModelInfo(String name, long created) {
}
