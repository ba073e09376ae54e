package dev.llmc.tools.eval;

import dev.llmc.model.encoder.SentenceEncoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Embeddings on disk, keyed by the encoder's identity and the exact text it was given (SHA-256 of both), so a second
 * evaluation run starts at once. Each run appends immutable segment files ({@code *.seg}, written to a temporary
 * file and moved atomically), so concurrent runs and interrupted runs never leave a partial file behind; an
 * interrupted run keeps every chunk it finished.
 */
public final class EmbeddingCache {

    private static final int MAGIC = 0x4c4c4d45; // "LLME"
    /** Texts encoded between two flushes to disk: bounds the work an interruption loses. */
    private static final int CHUNK = 256;

    private final Path directory;
    private final String encoderKey;
    private final SentenceEncoder encoder;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();

    /**
     * Opens (creating if needed) the cache of one encoder; encoderKey must change whenever the encoder's output could
     * (model, token limit, formatting), e.g. {@code all-minilm-l6-v2/max128}.
     */
    public EmbeddingCache(Path root, String encoderKey, SentenceEncoder encoder) {
        this.encoderKey = encoderKey;
        this.encoder = encoder;
        this.directory = root.resolve(encoderKey.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".seg")).sorted().toList()) {
                    readSegment(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedding cache in " + directory, e);
        }
    }

    /** {@code $LLMC_CACHE_DIR/embeddings} if set, else {@code ~/.cache/llmc/embeddings}. */
    public static Path defaultRoot() {
        String env = System.getenv("LLMC_CACHE_DIR");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "llmc");
        return base.resolve("embeddings");
    }

    /** Number of vectors currently known (on disk or computed in this process). */
    public int size() {
        return vectors.size();
    }

    /**
     * Returns the embedding of every text (element i belongs to texts.get(i)), encoding only those not cached yet,
     * in chunks, reporting progress after each chunk.
     */
    public List<float[]> embedAll(List<String> texts, Progress progress) {
        List<String> keys = texts.stream().map(this::key).toList();
        Map<String, String> missing = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            if (!vectors.containsKey(keys.get(i))) {
                missing.putIfAbsent(keys.get(i), texts.get(i));
            }
        }
        if (!missing.isEmpty()) {
            List<Map.Entry<String, String>> todo = new ArrayList<>(missing.entrySet());
            long start = System.nanoTime();
            for (int from = 0; from < todo.size(); from += CHUNK) {
                List<Map.Entry<String, String>> chunk = todo.subList(from, Math.min(todo.size(), from + CHUNK));
                List<float[]> embedded = encoder.embed(chunk.stream().map(Map.Entry::getValue).toList());
                Map<String, float[]> fresh = new LinkedHashMap<>();
                for (int i = 0; i < chunk.size(); i++) {
                    fresh.put(chunk.get(i).getKey(), embedded.get(i));
                }
                writeSegment(fresh);
                vectors.putAll(fresh);
                progress.update(from + chunk.size(), todo.size(), (System.nanoTime() - start) / 1e9);
            }
        }
        List<float[]> result = new ArrayList<>(texts.size());
        for (String key : keys) {
            result.add(vectors.get(key).clone());
        }
        return result;
    }

    /** Receives (done, total, elapsed seconds) after each encoded chunk. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total, double elapsedSeconds);
    }

    private String key(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(encoderKey.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void readSegment(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                return; // not ours: ignore rather than fail the whole evaluation
            }
            int dimension = in.readInt();
            while (true) {
                byte[] hash = new byte[32];
                try {
                    in.readFully(hash);
                } catch (EOFException end) {
                    return;
                }
                float[] vector = new float[dimension];
                for (int d = 0; d < dimension; d++) {
                    vector[d] = in.readFloat();
                }
                vectors.put(HexFormat.of().formatHex(hash), vector);
            }
        }
    }

    private void writeSegment(Map<String, float[]> fresh) {
        try {
            Path partial = Files.createTempFile(directory, "segment", ".part");
            try {
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
                    out.writeInt(MAGIC);
                    out.writeInt(fresh.values().iterator().next().length);
                    for (Map.Entry<String, float[]> entry : fresh.entrySet()) {
                        out.write(HexFormat.of().parseHex(entry.getKey()));
                        for (float v : entry.getValue()) {
                            out.writeFloat(v);
                        }
                    }
                }
                Path target = directory.resolve(System.currentTimeMillis() + "-" + UUID.randomUUID() + ".seg");
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedding cache in " + directory, e);
        }
    }
}
