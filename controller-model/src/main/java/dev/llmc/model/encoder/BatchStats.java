package dev.llmc.model.encoder;

/**
 * What one forward pass of {@link BatchingSentenceEncoder} did.
 *
 * @param size          texts in the batch
 * @param tokens        real tokens, [CLS] and [SEP] included
 * @param paddedTokens  size × the longest text's tokens: what the model computed
 * @param encodeNanos   time of the forward pass with pooling
 */
public record BatchStats(int size, int tokens, int paddedTokens, long encodeNanos) {

    /** Pad tokens / all tokens computed. */
    public double paddingRatio() {
        return paddedTokens == 0 ? 0 : (double) (paddedTokens - tokens) / paddedTokens;
    }
}
