package dev.llmc.gpunode.retrieval;

import java.util.List;

/**
 * A corpus with the embedding of each prompt; it answers with the response whose prompt is nearest to a conversation.
 *
 * @param promptVectors element i is the unit-length embedding of {@code entries.get(i).prompt()}
 */
record RetrievalModel(List<CorpusEntry> entries, List<float[]> promptVectors) {

    /** The entry maximising e(prompt) · e(C); both are unit vectors, so this is the highest cosine similarity. */
    CorpusEntry nearest(float[] conversation) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < promptVectors.size(); i++) {
            float score = dot(promptVectors.get(i), conversation);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return entries.get(best);
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
