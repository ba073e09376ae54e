package dev.llmc.model.scoring;

import dev.llmc.model.scoring.ScoringMatrix.SeparableScore;
import dev.llmc.model.scoring.ScoringMatrix.ServingScore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.util.VectorUtil;

/**
 * Scores every expert, a block of rows at a time: first every head value r_s of the block, then the serving score of
 * the rows that can still enter the top k, into a top-k heap of rows.
 * <ul>
 * <li>Head values. Long θ rows (the content controller's 384-d) take one SIMD dot product each (Lucene's
 * VectorUtil): a scan of them is bound by memory, and the rows are the experts' own arrays, not copies. Short ones (a
 * trained controller's k = 32) are copied once into columns, per block of rows and per θ dimension one array, so that
 * a dot product becomes Σ_j x_j · column_j, which the JIT vectorises across the block's rows (a call to VectorUtil
 * per 32-d row costs more than its arithmetic). An expert whose heads share one θ (a new expert's content θ) takes
 * one dot product for all of them.</li>
 * <li>Serving score. With a {@link SeparableScore} (every term monotone in its own head), a row whose exact upper
 * bound ({@link TermBounds}: one table look-up per head) is below the k-th best score so far cannot enter the top k,
 * and its terms (a trained controller's exp and sigmoids) are never evaluated.</li>
 * <li>A linear score with long θ rows (the content controller's) is read first from an int8 copy of the rows
 * ({@link QuantizedRows}), a quarter of the bytes, whose exact error bounds leave only the rows that can enter the top
 * k; those are scored exactly as above.</li>
 * </ul>
 * The scores are the matrix's serving score, up to float rounding in the dot products.
 */
public final class ExactScan implements ExpertRanking {
    /** Rows whose head values are computed together: a block's values stay in the first-level cache. */
    static final int BLOCK = 1024;
    /** θ rows up to this long are scanned by columns; at 10,000 experts columns are faster up to about 128-d. */
    static final int MAX_COLUMN_DIMENSION = 128;

    private final ScoringMatrix matrix;
    private final List<Block> blocks;
    private final TermBounds bounds;
    private final boolean linear;
    /** The int8 first pass of a linear score with long rows; null otherwise. */
    private final QuantizedRows quantized;

    public ExactScan(ScoringMatrix matrix) {
        this(matrix, true);
    }

    /** {@code quantize}: whether a linear score with long rows takes the int8 first pass (false: every row in floats). */
    ExactScan(ScoringMatrix matrix, boolean quantize) {
        this.matrix = matrix;
        boolean byColumns = matrix.dimension() <= MAX_COLUMN_DIMENSION;
        // Experts whose heads share a θ and the others in blocks of their own: a block takes one or `heads` products per row.
        List<Integer> shared = new ArrayList<>();
        List<Integer> separate = new ArrayList<>();
        for (int row = 0; row < matrix.size(); row++) {
            (matrix.shared(row) ? shared : separate).add(row);
        }
        blocks = new ArrayList<>();
        addBlocks(shared, true, byColumns);
        addBlocks(separate, false, byColumns);
        ServingScore score = matrix.servingScore();
        linear = score instanceof SeparableScore separable && separable.linear();
        bounds = score instanceof SeparableScore separable && !linear ? TermBounds.of(matrix, separable) : null;
        quantized = quantize && linear && !byColumns && matrix.size() > 0 ? QuantizedRows.of(matrix) : null;
    }

    private void addBlocks(List<Integer> rows, boolean shared, boolean byColumns) {
        for (int from = 0; from < rows.size(); from += BLOCK) {
            int[] block = rows.subList(from, Math.min(rows.size(), from + BLOCK)).stream().mapToInt(Integer::intValue).toArray();
            blocks.add(new Block(matrix, block, shared, byColumns));
        }
    }

    @Override
    public int size() {
        return matrix.size();
    }

    @Override
    public List<ScoredExpert> rank(float[] conversationEmbedding, int topK) {
        float[] x = matrix.project(conversationEmbedding);
        TopRows best = new TopRows(matrix, topK);
        int[] candidates = quantized != null && topK < matrix.size() ? quantized.candidates(x, topK) : null;
        if (candidates != null) {
            // The same float arithmetic as a block's head values, so scores and ties are those of the full scan.
            for (int row : candidates) {
                best.offer(row, matrix.scale(0, row) * VectorUtil.dotProduct(matrix.theta(0, row), x) + matrix.bias(0, row));
            }
            return best.ranking();
        }
        int heads = matrix.heads();
        float[][] headValues = new float[heads][BLOCK];
        float[][] dots = new float[heads][BLOCK];
        double[] scratch = new double[heads];
        ServingScore score = matrix.servingScore();
        // With room for every row nothing can be skipped.
        double[] bound = bounds != null && topK < matrix.size() ? new double[BLOCK] : null;
        for (Block block : blocks) {
            block.headValues(matrix, x, dots, headValues);
            int[] rows = block.rows;
            if (bound != null) {
                bounds.bound(headValues, rows.length, bound);
            }
            for (int i = 0; i < rows.length; i++) {
                if (linear) {
                    best.offer(rows[i], headValues[0][i]);
                    continue;
                }
                if (bound != null && bound[i] < best.threshold()) {
                    continue;
                }
                for (int s = 0; s < heads; s++) {
                    scratch[s] = headValues[s][i];
                }
                best.offer(rows[i], score.of(scratch));
            }
        }
        return best.ranking();
    }

    @Override
    public ScoredExpert score(float[] conversationEmbedding, String expertId) {
        return matrix.scoreOf(conversationEmbedding, expertId);
    }

    /** Up to {@link #BLOCK} rows, all sharing one θ across heads or none, with their scales and biases. */
    private static final class Block {
        final int[] rows;
        final boolean shared;
        /** [head][i] */
        final float[][] scale;
        final float[][] bias;
        /** By columns: [product][j][i] = θ_j of the i-th row's product (product = head, or 0 when shared); else null. */
        final float[][][] columns;

        Block(ScoringMatrix matrix, int[] rows, boolean shared, boolean byColumns) {
            this.rows = rows;
            this.shared = shared;
            int heads = matrix.heads();
            scale = new float[heads][rows.length];
            bias = new float[heads][rows.length];
            for (int s = 0; s < heads; s++) {
                for (int i = 0; i < rows.length; i++) {
                    scale[s][i] = matrix.scale(s, rows[i]);
                    bias[s][i] = matrix.bias(s, rows[i]);
                }
            }
            if (!byColumns) {
                columns = null;
                return;
            }
            int dimension = matrix.dimension();
            columns = new float[shared ? 1 : heads][dimension][rows.length];
            for (int product = 0; product < columns.length; product++) {
                for (int i = 0; i < rows.length; i++) {
                    float[] theta = matrix.theta(product, rows[i]);
                    for (int j = 0; j < dimension; j++) {
                        columns[product][j][i] = theta[j];
                    }
                }
            }
        }

        /** headValues[s][i] = a_s · (θ_s · x) + b_s of the i-th row; dots is scratch of the same shape. */
        void headValues(ScoringMatrix matrix, float[] x, float[][] dots, float[][] headValues) {
            int n = rows.length;
            int products = shared ? 1 : scale.length;
            if (columns != null) {
                for (int product = 0; product < products; product++) {
                    multiplyColumns(columns[product], x, dots[product], n);
                }
            } else {
                for (int product = 0; product < products; product++) {
                    float[] dot = dots[product];
                    for (int i = 0; i < n; i++) {
                        dot[i] = VectorUtil.dotProduct(matrix.theta(product, rows[i]), x);
                    }
                }
            }
            for (int s = 0; s < scale.length; s++) {
                float[] dot = dots[shared ? 0 : s];
                float[] a = scale[s];
                float[] b = bias[s];
                float[] r = headValues[s];
                for (int i = 0; i < n; i++) {
                    r[i] = a[i] * dot[i] + b[i];
                }
            }
        }

        /**
         * dot[i] = Σ_j x_j · columns[j][i]. Every array is indexed by i alone: C2 vectorises a loop over two float
         * arrays only when it can rule out that one overlaps the other at another offset.
         */
        private static void multiplyColumns(float[][] columns, float[] x, float[] dot, int n) {
            Arrays.fill(dot, 0, n, 0f);
            for (int j = 0; j < columns.length; j++) {
                float xj = x[j];
                float[] column = columns[j];
                for (int i = 0; i < n; i++) {
                    dot[i] += xj * column[i];
                }
            }
        }
    }

    @Override
    public List<ScoredExpert> priorRewards(float[] conversationEmbedding) {
        return matrix.priorRewards(conversationEmbedding);
    }

    /**
     * The best topK rows seen so far as a binary min-heap of primitives (no object per expert scanned): the worst kept
     * row on top; equal scores order by expertId so rankings are reproducible.
     */
    static final class TopRows {
        private final ScoringMatrix matrix;
        private final int[] rows;
        private final double[] scores;
        private int size;

        TopRows(ScoringMatrix matrix, int topK) {
            if (topK < 1) {
                throw new IllegalArgumentException("topK must be at least 1, was " + topK);
            }
            this.matrix = matrix;
            int capacity = Math.min(topK, Math.max(matrix.size(), 1));
            this.rows = new int[capacity];
            this.scores = new double[capacity];
        }

        void offer(int row, double score) {
            if (size < rows.length) {
                rows[size] = row;
                scores[size] = score;
                siftUp(size++);
            } else if (worse(0, row, score)) {
                rows[0] = row;
                scores[0] = score;
                siftDown(0);
            }
        }

        /** The score a row must reach to be kept: the worst kept one's, or −∞ while the heap has room. */
        double threshold() {
            return size < rows.length ? Double.NEGATIVE_INFINITY : scores[0];
        }

        List<ScoredExpert> ranking() {
            List<ScoredExpert> ranking = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                ranking.add(new ScoredExpert(matrix.expertId(rows[i]), scores[i]));
            }
            ranking.sort(ExpertScorer.RANKING);
            return ranking;
        }

        /** Whether the kept entry at heap position i ranks below (row, score). */
        private boolean worse(int i, int row, double score) {
            if (scores[i] != score) {
                return scores[i] < score;
            }
            return matrix.expertId(rows[i]).compareTo(matrix.expertId(row)) > 0;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(i, rows[parent], scores[parent])) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown(int i) {
            while (true) {
                int left = 2 * i + 1;
                if (left >= size) {
                    return;
                }
                int worst = left;
                int right = left + 1;
                if (right < size && worse(right, rows[left], scores[left])) {
                    worst = right;
                }
                if (!worse(worst, rows[i], scores[i])) {
                    return;
                }
                swap(i, worst);
                i = worst;
            }
        }

        private void swap(int a, int b) {
            int row = rows[a];
            rows[a] = rows[b];
            rows[b] = row;
            double score = scores[a];
            scores[a] = scores[b];
            scores[b] = score;
        }
    }
}
