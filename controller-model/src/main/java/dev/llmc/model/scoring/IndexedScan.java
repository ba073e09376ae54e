package dev.llmc.model.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Above the index threshold: an in-memory Lucene HNSW graph over each expert's linear surrogate vector (maximum inner
 * product, the bias folded in as one more dimension) fetches candidates, which are then re-ranked exactly by the serving
 * score. Approximate: an expert the graph search misses is not ranked (recall is measured by {@code llmc-tools}' JMH
 * benchmark, see docs/benchmarks.md).
 */
public final class IndexedScan implements ExpertRanking {
    private static final String VECTOR = "surrogate";
    private static final String ROW = "row";

    private final ScoringMatrix matrix;
    private final ExactScan exact;
    private final int candidates;
    private final IndexWriter writer;
    private volatile DirectoryReader reader;
    private volatile IndexSearcher searcher;

    public IndexedScan(ScoringMatrix matrix, ScoringSettings settings) {
        this.matrix = matrix;
        this.exact = new ExactScan(matrix);
        this.candidates = settings.candidates();
        KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat(settings.maxConnections(), settings.beamWidth());
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new Lucene103Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return hnsw;
                    }
                })
                // One large segment: each segment is a graph of its own that every query searches.
                .setRAMBufferSizeMB(1024);
        try {
            writer = new IndexWriter(new ByteBuffersDirectory(), config);
            for (int row = 0; row < matrix.size(); row++) {
                writer.addDocument(document(row, matrix.surrogate(row)));
            }
            writer.commit();
            reader = DirectoryReader.open(writer);
            searcher = new IndexSearcher(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("building the expert index failed", e);
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
        IndexSearcher current = searcher;
        try {
            TopDocs hits = current.search(new KnnFloatVectorQuery(VECTOR, ScoringMatrix.surrogateQuery(x),
                    Math.max(candidates, topK)), Math.max(candidates, topK));
            List<LeafReaderContext> leaves = current.getIndexReader().leaves();
            for (ScoreDoc hit : hits.scoreDocs) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                NumericDocValues rows = leaf.reader().getNumericDocValues(ROW);
                if (rows != null && rows.advanceExact(hit.doc - leaf.docBase)) {
                    int row = (int) rows.longValue();
                    best.offer(row, matrix.score(row, x, scratch));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("searching the expert index failed", e);
        }
        return best.ranking();
    }

    @Override
    public ScoredExpert score(float[] conversationEmbedding, String expertId) {
        return exact.score(conversationEmbedding, expertId);
    }

    /**
     * Inserts the matrix's expert {@code row} into the graph and makes it searchable, returning the nanoseconds it took:
     * what registering one expert costs the index (serving rebuilds the ranking on a registry change today).
     */
    public long add(int row) throws IOException {
        long start = System.nanoTime();
        writer.addDocument(document(row, matrix.surrogate(row)));
        refresh();
        return System.nanoTime() - start;
    }

    /** Removes the expert {@code row} from the graph and makes that visible, returning the nanoseconds it took. */
    public long remove(int row) throws IOException {
        long start = System.nanoTime();
        writer.deleteDocuments(LongPoint.newExactQuery(ROW, row));
        refresh();
        return System.nanoTime() - start;
    }

    private void refresh() throws IOException {
        DirectoryReader changed = DirectoryReader.openIfChanged(reader, writer);
        if (changed != null) {
            reader = changed;
            searcher = new IndexSearcher(changed);
        }
    }

    private static Document document(int row, float[] surrogate) {
        Document document = new Document();
        document.add(new KnnFloatVectorField(VECTOR, surrogate, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
        document.add(new NumericDocValuesField(ROW, row));
        document.add(new LongPoint(ROW, row));
        return document;
    }
}
