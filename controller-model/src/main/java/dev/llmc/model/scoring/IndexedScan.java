package dev.llmc.model.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswBuilder;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Above the index threshold: a Lucene HNSW graph, built on the heap straight from each expert's linear surrogate vector
 * (maximum inner product, the bias folded in as one more dimension; no index files, no segments), fetches candidates,
 * which are then re-ranked exactly by the serving score. The graph is built by {@code settings.buildThreads()} threads
 * (Lucene's concurrent graph builder). Approximate: an expert the graph search misses is not ranked (recall is measured
 * by {@code llmc-tools}' JMH benchmark, see docs/benchmarks.md). Searches may run concurrently; {@link #add} and
 * {@link #remove} may not run while anything else uses the index (the gateway replaces a ranking instead).
 */
public final class IndexedScan implements ExpertRanking {
    private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
    private static final FlatVectorsScorer SCORER = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    private static final long SEED = 42;
    /** Nodes {@link #add} may insert after the build: a graph of known size builds concurrently but cannot grow. */
    static final int ADD_CAPACITY = 1024;
    /** Graphs of at most this many times the candidates asked for are scored in full instead of searched. */
    private static final int SCAN_ALL_FACTOR = 4;

    private final ScoringMatrix matrix;
    private final int candidates;
    /** Graph node → its surrogate vector; nodes are added, never reordered. */
    private final List<float[]> vectors;
    private final FloatVectorValues values;
    private final RandomVectorScorerSupplier scorers;
    private final OnHeapHnswGraph graph;
    private final ScoringSettings settings;
    /** Inserts nodes after the build (which froze its builder); made on the first {@link #add}. */
    private HnswGraphBuilder inserter;
    /** Graph node → matrix row. */
    private int[] rows;
    /** The nodes searches may return: a removed expert's node stays in the graph as a waypoint. */
    private FixedBitSet live;

    public IndexedScan(ScoringMatrix matrix, ScoringSettings settings) {
        this.matrix = matrix;
        this.candidates = settings.candidates();
        int n = matrix.size();
        vectors = new ArrayList<>(n);
        rows = new int[n];
        for (int row = 0; row < n; row++) {
            vectors.add(matrix.surrogate(row));
            rows[row] = row;
        }
        live = new FixedBitSet(Math.max(n, 1));
        live.set(0, n);
        int dimension = n == 0 ? 1 : vectors.getFirst().length;
        values = FloatVectorValues.fromFloats(vectors, dimension);
        ExecutorService threads = settings.buildThreads() > 1 ? Executors.newFixedThreadPool(settings.buildThreads(),
                Thread.ofPlatform().daemon().name("llmc-index-build-", 0).factory()) : null;
        this.settings = settings;
        try {
            scorers = SCORER.getRandomVectorScorerSupplier(SIMILARITY, values);
            HnswGraphBuilder single = HnswGraphBuilder.create(scorers, settings.maxConnections(), settings.beamWidth(), SEED,
                    n + ADD_CAPACITY);
            HnswBuilder builder = threads == null ? single : new HnswConcurrentMergeBuilder(new TaskExecutor(threads),
                    settings.buildThreads(), scorers, settings.maxConnections(), settings.beamWidth(), single.getGraph(), null);
            graph = builder.build(n);
        } catch (IOException e) {
            throw new UncheckedIOException("building the expert index failed", e);
        } finally {
            if (threads != null) {
                threads.shutdownNow();
            }
        }
    }

    @Override
    public int size() {
        return matrix.size();
    }

    @Override
    public List<ScoredExpert> rank(float[] conversationEmbedding, int topK) {
        float[] x = matrix.project(conversationEmbedding);
        ExactScan.TopRows best = new ExactScan.TopRows(matrix, topK);
        double[] scratch = new double[matrix.heads()];
        int k = Math.max(candidates, topK);
        int nodes = vectors.size();
        if (nodes <= SCAN_ALL_FACTOR * k) {
            // A search for k candidates visits several times k nodes anyway; a graph this small is scored in full.
            for (int node = live.nextSetBit(0); node < nodes; node = node + 1 < nodes ? live.nextSetBit(node + 1) : nodes) {
                best.offer(rows[node], matrix.score(rows[node], x, scratch));
            }
            return best.ranking();
        }
        TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
        try {
            HnswGraphSearcher.search(SCORER.getRandomVectorScorer(SIMILARITY, values, ScoringMatrix.surrogateQuery(x)),
                    collector, new Cursor(graph), live);
        } catch (IOException e) {
            throw new UncheckedIOException("searching the expert index failed", e);
        }
        for (ScoreDoc hit : collector.topDocs().scoreDocs) {
            int row = rows[hit.doc];
            best.offer(row, matrix.score(row, x, scratch));
        }
        return best.ranking();
    }

    @Override
    public ScoredExpert score(float[] conversationEmbedding, String expertId) {
        return matrix.scoreOf(conversationEmbedding, expertId);
    }

    /** Every searchable expert's, scored exactly: linear Thompson sampling weighs every expert anyway. */
    @Override
    public List<ScoredExpert> priorRewards(float[] conversationEmbedding) {
        float[] x = matrix.project(conversationEmbedding);
        double[] scratch = new double[matrix.heads()];
        List<ScoredExpert> rewards = new ArrayList<>(live.cardinality());
        int nodes = vectors.size();
        for (int node = live.nextSetBit(0); node < nodes; node = node + 1 < nodes ? live.nextSetBit(node + 1) : nodes) {
            rewards.add(new ScoredExpert(matrix.expertId(rows[node]), matrix.priorReward(rows[node], x, scratch)));
        }
        return rewards;
    }

    /**
     * Inserts the matrix's expert {@code row} into the graph as a new node and makes it searchable, returning the
     * nanoseconds it took: what registering one expert costs the index. At most {@value #ADD_CAPACITY} times.
     */
    public long add(int row) throws IOException {
        long start = System.nanoTime();
        int node = vectors.size();
        if (node >= matrix.size() + ADD_CAPACITY) {
            throw new IllegalStateException("the index took " + ADD_CAPACITY + " additions: build a new one");
        }
        vectors.add(matrix.surrogate(row));
        if (node == rows.length) {
            rows = Arrays.copyOf(rows, node * 2);
        }
        rows[node] = row;
        live = FixedBitSet.ensureCapacity(live, node);
        if (inserter == null) {
            // The builder's constructor that continues an existing graph is protected.
            inserter = new HnswGraphBuilder(scorers, settings.maxConnections(), settings.beamWidth(), SEED, graph) {
            };
        }
        inserter.addGraphNode(node);
        live.set(node);
        return System.nanoTime() - start;
    }

    /** Stops returning the expert {@code row}'s nodes, returning the nanoseconds it took. */
    public long remove(int row) {
        long start = System.nanoTime();
        for (int node = 0; node < vectors.size(); node++) {
            if (rows[node] == row) {
                live.clear(node);
            }
        }
        return System.nanoTime() - start;
    }

    /**
     * A read-only view of the graph with its own neighbour cursor: {@link OnHeapHnswGraph#seek} keeps the cursor in the
     * graph itself, so concurrent searches each read through one of these.
     */
    private static final class Cursor extends HnswGraph {
        private final OnHeapHnswGraph graph;
        private NeighborArray neighbors;
        private int next;

        Cursor(OnHeapHnswGraph graph) {
            this.graph = graph;
        }

        @Override
        public void seek(int level, int target) {
            neighbors = graph.getNeighbors(level, target);
            next = 0;
        }

        @Override
        public int nextNeighbor() {
            return next < neighbors.size() ? neighbors.nodes()[next++] : DocIdSetIterator.NO_MORE_DOCS;
        }

        @Override
        public int neighborCount() {
            return neighbors.size();
        }

        @Override
        public int size() {
            return graph.size();
        }

        @Override
        public int maxNodeId() {
            return graph.maxNodeId();
        }

        @Override
        public int numLevels() {
            return graph.numLevels();
        }

        @Override
        public int maxConn() {
            return graph.maxConn();
        }

        @Override
        public int entryNode() {
            return graph.entryNode();
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            return graph.getNodesOnLevel(level);
        }
    }
}
