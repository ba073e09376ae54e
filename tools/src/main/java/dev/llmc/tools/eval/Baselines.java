package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Reference routers computed from full training labels (they see every training label even in bandit mode, which
 * makes them a conservative bar for the controller) and the per-prompt routing utility they are scored by.
 */
public final class Baselines {

    private Baselines() {
    }

    /** Mean label of each expert over the given prompts. */
    public static double[] expertMeans(RoutingMatrix matrix, int[] prompts) {
        double[] means = new double[matrix.expertCount()];
        for (int p : prompts) {
            for (int e = 0; e < means.length; e++) {
                means[e] += matrix.label(p, e);
            }
        }
        for (int e = 0; e < means.length; e++) {
            means[e] /= prompts.length;
        }
        return means;
    }

    /** The index of the largest value; ties go to the lower index. */
    public static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Mean over prompts of the label of the expert each router picks (argmax of its scores). */
    public static double routedUtility(RoutingMatrix matrix, int[] prompts, List<double[]> scores) {
        double total = 0;
        for (int i = 0; i < prompts.length; i++) {
            total += matrix.label(prompts[i], argmax(scores.get(i)));
        }
        return total / prompts.length;
    }

    /** Mean over prompts of the best label on each prompt. */
    public static double oracle(RoutingMatrix matrix, int[] prompts) {
        double total = 0;
        for (int p : prompts) {
            double best = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < matrix.expertCount(); e++) {
                best = Math.max(best, matrix.label(p, e));
            }
            total += best;
        }
        return total / prompts.length;
    }

    /** Expected label of a uniformly random expert: the mean label over prompts and experts. */
    public static double uniformRandom(RoutingMatrix matrix, int[] prompts) {
        double[] means = expertMeans(matrix, prompts);
        double total = 0;
        for (double m : means) {
            total += m;
        }
        return total / means.length;
    }

    /** gain captured = (controller − best single) / (oracle − best single); 0 when the oracle gap is empty. */
    public static double gainCaptured(double controller, double bestSingle, double oracle) {
        double gap = oracle - bestSingle;
        return gap == 0 ? 0 : (controller - bestSingle) / gap;
    }

    /**
     * k-nearest-neighbour scores: for each query, every expert's mean label over the k training prompts whose
     * embeddings have the highest cosine similarity with it (embeddings are unit vectors, so cosine is the dot
     * product), plus a 1e-9 tie-break toward the expert with the better training mean.
     */
    public static List<double[]> knnScores(RoutingMatrix matrix, List<float[]> embeddings, int[] train,
            List<float[]> queries, int k) {
        int neighbours = Math.min(k, train.length);
        double[] prior = expertMeans(matrix, train);
        return queries.stream().map(query -> {
            PriorityQueue<double[]> nearest = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
            for (int p : train) {
                nearest.add(new double[] {dot(query, embeddings.get(p)), p});
                if (nearest.size() > neighbours) {
                    nearest.poll();
                }
            }
            double[] scores = new double[matrix.expertCount()];
            for (double[] n : nearest) {
                for (int e = 0; e < scores.length; e++) {
                    scores[e] += matrix.label((int) n[1], e) / neighbours;
                }
            }
            for (int e = 0; e < scores.length; e++) {
                scores[e] += 1e-9 * prior[e];
            }
            return scores;
        }).toList();
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
