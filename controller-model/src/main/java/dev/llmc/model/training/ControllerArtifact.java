package dev.llmc.model.training;

import dev.llmc.model.scoring.Controller;
import dev.llmc.model.training.internal.ControllerParameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * An immutable trained controller, manifest and parameters, with an exact binary form.
 *
 * <p>Bytes (big-endian, strings as {@link DataOutputStream#writeUTF}): the ASCII magic {@code LLMCCTL1}, format version
 * (int32 = 2), the manifest (versionId, createdAt as epoch seconds int64 + nanos int32, expert count int32 and ids, k,
 * the six α and w as float64, trainedFrom/To millis, training and hold-out counts as int64, metric count int32 and
 * name/float64 pairs, encoder id; format 1 had none and means all-MiniLM-L6-v2), then d, k, M (int32), W (d·k float32), per head a_s and β_s (3 + 3 float32), per head θ (M·k
 * float32) and b (M float32), and last a CRC-32 of everything before it (int64). Floats are stored by their bits, so a
 * round trip is bit-identical.
 */
public final class ControllerArtifact {

    private static final byte[] MAGIC = {'L', 'L', 'M', 'C', 'C', 'T', 'L', '1'};
    private static final int FORMAT_VERSION = 2;
    /** Format 1 had no encoder id: every artifact then was trained on all-MiniLM-L6-v2 embeddings. */
    private static final String FORMAT_1_ENCODER = "all-minilm-l6-v2";
    private static final int CHECKSUM_BYTES = Long.BYTES;
    /** Bounds every count read from the bytes, so corrupt data fails instead of allocating gigabytes. */
    private static final int MAX_COUNT = 1 << 24;

    private final ControllerManifest manifest;
    private final ControllerParameters parameters;
    private final TrainedController controller;

    ControllerArtifact(ControllerManifest manifest, ControllerParameters parameters) {
        if (manifest.expertIds().size() != parameters.experts()) {
            throw new IllegalArgumentException("manifest names " + manifest.expertIds().size() + " experts, parameters hold "
                    + parameters.experts());
        }
        if (manifest.k() != parameters.k()) {
            throw new IllegalArgumentException("manifest k " + manifest.k() + " differs from the parameters' k " + parameters.k());
        }
        this.manifest = manifest;
        this.parameters = parameters;
        this.controller = new TrainedController(manifest, parameters);
    }

    public ControllerManifest manifest() {
        return manifest;
    }

    /** A thread-safe, immutable scorer in plain Java: serving does not load the PyTorch engine. */
    public Controller controller() {
        return controller;
    }

    /** A new artifact from parameters a trainer fitted (controller-training). */
    public static ControllerArtifact of(ControllerManifest manifest, ControllerParameters parameters) {
        return new ControllerArtifact(manifest, parameters);
    }

    /** The parameters, for bit-exact comparisons in tests. */
    public ControllerParameters parameters() {
        return parameters;
    }

    /** The serving maths, for the trainer's hold-out metrics. */
    TrainedController trainedController() {
        return controller;
    }

    /** The artifact with other metrics (the hold-out is evaluated after the parameters exist). */
    public ControllerArtifact withMetrics(Map<String, Double> metrics) {
        ControllerManifest m = manifest;
        return new ControllerArtifact(new ControllerManifest(m.versionId(), m.createdAt(), m.expertIds(), m.k(),
                m.alphaRetry(), m.alphaRating(), m.alphaLength(), m.servingWeightRetry(), m.servingWeightRating(),
                m.servingWeightLength(), m.trainedFromMillis(), m.trainedToMillis(), m.trainingExamples(),
                m.holdoutExamples(), metrics, m.encoderId()), parameters);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            ControllerManifest m = manifest;
            out.writeUTF(m.versionId());
            out.writeLong(m.createdAt().getEpochSecond());
            out.writeInt(m.createdAt().getNano());
            out.writeInt(m.expertIds().size());
            for (String expertId : m.expertIds()) {
                out.writeUTF(expertId);
            }
            out.writeInt(m.k());
            for (double value : new double[] {m.alphaRetry(), m.alphaRating(), m.alphaLength(), m.servingWeightRetry(),
                    m.servingWeightRating(), m.servingWeightLength()}) {
                out.writeDouble(value);
            }
            out.writeLong(m.trainedFromMillis());
            out.writeLong(m.trainedToMillis());
            out.writeLong(m.trainingExamples());
            out.writeLong(m.holdoutExamples());
            out.writeInt(m.metrics().size());
            for (Map.Entry<String, Double> metric : m.metrics().entrySet()) {
                out.writeUTF(metric.getKey());
                out.writeDouble(metric.getValue());
            }
            out.writeUTF(m.encoderId());
            ControllerParameters p = parameters;
            out.writeInt(p.dimension());
            out.writeInt(p.k());
            out.writeInt(p.experts());
            writeFloats(out, p.projection());
            writeFloats(out, p.contentScale());
            writeFloats(out, p.priorBias());
            for (int s = 0; s < ControllerParameters.HEADS; s++) {
                writeFloats(out, p.theta()[s]);
                writeFloats(out, p.bias()[s]);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads an artifact written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are corrupt, truncated or of an unsupported format version
     */
    public static ControllerArtifact fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < MAGIC.length + Integer.BYTES + CHECKSUM_BYTES
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("not a controller artifact (expected header LLMCCTL1)");
        }
        int body = bytes.length - CHECKSUM_BYTES;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, body);
        if (crc.getValue() != ByteBuffer.wrap(bytes, body, CHECKSUM_BYTES).getLong()) {
            throw new IllegalArgumentException("controller artifact is corrupt (checksum mismatch)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body))) {
            in.skipNBytes(MAGIC.length);
            int formatVersion = in.readInt();
            if (formatVersion != FORMAT_VERSION && formatVersion != 1) {
                throw new IllegalArgumentException("unsupported controller artifact format version " + formatVersion
                        + " (this build reads 1 and " + FORMAT_VERSION + ")");
            }
            String versionId = in.readUTF();
            Instant createdAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int expertCount = count(in.readInt(), "experts");
            List<String> expertIds = new ArrayList<>(expertCount);
            for (int i = 0; i < expertCount; i++) {
                expertIds.add(in.readUTF());
            }
            int k = in.readInt();
            double[] weights = new double[6];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = in.readDouble();
            }
            long trainedFrom = in.readLong();
            long trainedTo = in.readLong();
            long trainingExamples = in.readLong();
            long holdoutExamples = in.readLong();
            int metricCount = count(in.readInt(), "metrics");
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int i = 0; i < metricCount; i++) {
                metrics.put(in.readUTF(), in.readDouble());
            }
            String encoderId = formatVersion == 1 ? FORMAT_1_ENCODER : in.readUTF();
            ControllerManifest manifest = new ControllerManifest(versionId, createdAt, expertIds, k, weights[0],
                    weights[1], weights[2], weights[3], weights[4], weights[5], trainedFrom, trainedTo,
                    trainingExamples, holdoutExamples, metrics, encoderId);
            int d = count(in.readInt(), "dimension");
            int storedK = count(in.readInt(), "k");
            int experts = count(in.readInt(), "expert rows");
            float[] projection = readFloats(in, (long) d * storedK);
            float[] contentScale = readFloats(in, ControllerParameters.HEADS);
            float[] priorBias = readFloats(in, ControllerParameters.HEADS);
            float[][] theta = new float[ControllerParameters.HEADS][];
            float[][] bias = new float[ControllerParameters.HEADS][];
            for (int s = 0; s < ControllerParameters.HEADS; s++) {
                theta[s] = readFloats(in, (long) experts * storedK);
                bias[s] = readFloats(in, experts);
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("controller artifact has " + in.available() + " unexpected trailing bytes");
            }
            return new ControllerArtifact(manifest,
                    new ControllerParameters(d, storedK, projection, theta, bias, contentScale, priorBias));
        } catch (IOException e) {
            throw new IllegalArgumentException("controller artifact is truncated or malformed: " + e.getMessage(), e);
        }
    }

    private static int count(int value, String what) {
        if (value < 0 || value > MAX_COUNT) {
            throw new IllegalArgumentException("controller artifact has an invalid " + what + " count " + value);
        }
        return value;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
        buffer.asFloatBuffer().put(values);
        out.write(buffer.array());
    }

    private static float[] readFloats(DataInputStream in, long count) throws IOException {
        if (count * Float.BYTES > in.available()) {
            throw new IOException("expected " + count + " floats, " + in.available() + " bytes left");
        }
        byte[] bytes = in.readNBytes((int) count * Float.BYTES);
        float[] values = new float[(int) count];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        return values;
    }
}
