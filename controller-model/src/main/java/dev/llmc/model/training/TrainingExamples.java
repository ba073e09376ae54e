package dev.llmc.model.training;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The on-disk training-example format ({@code .llmcex}) and its streaming reader and writer.
 *
 * <p>A file is the 8 ASCII bytes {@code LLMCEX01} followed by one record per example until the end of the file; all
 * numbers are big-endian ({@link DataOutputStream}), strings are modified UTF-8 with a 2-byte length prefix
 * ({@link DataOutputStream#writeUTF}):
 * <pre>
 * messageId        UTF
 * expertId         UTF
 * servedAtMillis   int64
 * propensity       float32
 * rating           float32   (NaN: not rated)
 * retried          uint8     (0 or 1)
 * conversationLen  float32   (NaN: unknown)
 * dimension        int32     (d, 384 for MiniLM)
 * embedding        d × float32
 * </pre>
 * About 1.6 kB per 384-d example; records are self-delimiting, so files can be appended to and read in one pass.
 */
public final class TrainingExamples {

    private static final byte[] MAGIC = {'L', 'L', 'M', 'C', 'E', 'X', '0', '1'};
    private static final int BUFFER = 1 << 16;
    /** Guards against allocating gigabytes for a corrupt length field. */
    private static final int MAX_DIMENSION = 1 << 16;

    private TrainingExamples() {
    }

    /** Writes the examples to file (replacing it), streaming: the iterable is traversed once. */
    public static void write(Path file, Iterable<TrainingExample> examples) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, BUFFER))) {
            data.write(MAGIC);
            ByteBuffer floats = ByteBuffer.allocate(0);
            for (TrainingExample example : examples) {
                data.writeUTF(example.messageId());
                data.writeUTF(example.expertId());
                data.writeLong(example.servedAtMillis());
                data.writeFloat(example.propensity());
                data.writeFloat(example.rating());
                data.writeByte(example.retried() ? 1 : 0);
                data.writeFloat(example.conversationLength());
                float[] embedding = example.embedding();
                data.writeInt(embedding.length);
                if (floats.capacity() != embedding.length * Float.BYTES) {
                    floats = ByteBuffer.allocate(embedding.length * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
                }
                // One bulk copy per embedding instead of d writeFloat calls.
                floats.clear();
                floats.asFloatBuffer().put(embedding);
                data.write(floats.array());
            }
        }
    }

    /** Reads every example of file into memory, in file order. */
    public static List<TrainingExample> read(Path file) throws IOException {
        List<TrainingExample> examples = new ArrayList<>();
        forEach(file, examples::add);
        return examples;
    }

    /**
     * Streams the examples of file to consumer in file order without holding them all.
     *
     * @throws IOException if the file is not in this format or ends inside a record
     */
    public static void forEach(Path file, Consumer<TrainingExample> consumer) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(new BufferedInputStream(in, BUFFER))) {
            byte[] magic = new byte[MAGIC.length];
            if (data.readNBytes(magic, 0, magic.length) != magic.length || !Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a training-example file (expected header LLMCEX01)");
            }
            byte[] bytes = new byte[0];
            long index = 0;
            while (true) {
                // Records carry no count: peek one byte to tell the end of the file from the start of a record.
                data.mark(1);
                if (data.read() < 0) {
                    return;
                }
                data.reset();
                try {
                    String messageId = data.readUTF();
                    String expertId = data.readUTF();
                    long servedAtMillis = data.readLong();
                    float propensity = data.readFloat();
                    float rating = data.readFloat();
                    boolean retried = data.readUnsignedByte() != 0;
                    float conversationLength = data.readFloat();
                    int dimension = data.readInt();
                    if (dimension < 1 || dimension > MAX_DIMENSION) {
                        throw new IOException("example " + index + " of " + file + " has an invalid dimension " + dimension);
                    }
                    if (bytes.length != dimension * Float.BYTES) {
                        bytes = new byte[dimension * Float.BYTES];
                    }
                    data.readFully(bytes);
                    float[] embedding = new float[dimension];
                    ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(embedding);
                    consumer.accept(new TrainingExample(messageId, expertId, embedding, propensity, servedAtMillis,
                            rating, retried, conversationLength));
                } catch (EOFException e) {
                    throw new IOException(file + " ends inside example " + index, e);
                } catch (IllegalArgumentException e) {
                    throw new IOException("example " + index + " of " + file + " is invalid: " + e.getMessage(), e);
                }
                index++;
            }
        }
    }
}
