package dev.llmc.model.encoder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One vector per vocabulary token of all-MiniLM-L6-v2's tokenizer, the weights of {@link StaticSentenceEncoder}.
 * Stored gzipped as int8 with one float scale per token (a quarter of float32's size; the quantisation error, at
 * most half a step of 1/127 of a token's largest component, moves cosine similarities by about 10⁻⁴), so the
 * committed resource stays small.
 *
 * @param vectors vocabularySize × dimension floats, token t's vector at [t × dimension, (t + 1) × dimension)
 */
public record StaticTokenTable(int vocabularySize, int dimension, float[] vectors) {

    private static final int MAGIC = 0x4c4c5354; // "LLST"
    private static final int FORMAT = 1;

    public StaticTokenTable {
        if (vocabularySize < 1 || dimension < 1 || vectors.length != (long) vocabularySize * dimension) {
            throw new IllegalArgumentException("a table needs vocabularySize × dimension floats");
        }
    }

    /** Reads a table written by {@link #write(OutputStream)}; the stream is left open. */
    public static StaticTokenTable read(InputStream gzipped) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(gzipped), 1 << 16));
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IllegalStateException("not a static token table (format " + FORMAT + ")");
            }
            int size = in.readInt();
            int dimension = in.readInt();
            float[] vectors = new float[size * dimension];
            byte[] row = new byte[dimension];
            for (int t = 0; t < size; t++) {
                float scale = in.readFloat();
                in.readFully(row);
                for (int d = 0; d < dimension; d++) {
                    vectors[t * dimension + d] = scale * row[d];
                }
            }
            return new StaticTokenTable(size, dimension, vectors);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the static token table", e);
        }
    }

    /** Writes the table gzipped, each token quantised to int8 with the scale max|v| / 127. */
    public void write(OutputStream target) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(target, 1 << 16);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(gzip, 1 << 16));
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(vocabularySize);
        out.writeInt(dimension);
        byte[] row = new byte[dimension];
        for (int t = 0; t < vocabularySize; t++) {
            float max = 0;
            for (int d = 0; d < dimension; d++) {
                max = Math.max(max, Math.abs(vectors[t * dimension + d]));
            }
            float scale = max == 0 ? 0 : max / 127f;
            for (int d = 0; d < dimension; d++) {
                row[d] = scale == 0 ? 0 : (byte) Math.round(vectors[t * dimension + d] / scale);
            }
            out.writeFloat(scale);
            out.write(row);
        }
        out.flush();
        gzip.finish();
    }

    /** The table with every vector quantised and restored as {@link #read} will see it. */
    public StaticTokenTable quantised() {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            write(bytes);
            return read(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
