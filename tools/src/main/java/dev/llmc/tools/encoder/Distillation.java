package dev.llmc.tools.encoder;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.model.encoder.StaticSentenceEncoder;
import dev.llmc.model.encoder.StaticTokenTable;
import dev.llmc.model.encoder.TokenizedText;
import dev.llmc.tools.eval.EmbeddingCache;
import dev.llmc.tools.eval.PromptEmbeddings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Builds the static encoder's table from all-MiniLM-L6-v2 (the model of the project's Maven dependency):
 * <ol>
 *   <li>every vocabulary token t is embedded alone ([CLS] t [SEP]) by MiniLM: V₀_t (Model2Vec's starting point);</li>
 *   <li>corpus paragraphs (and optionally {@link WordNetGlosses}), formatted as one-turn user conversations exactly as the gateway formats a turn, are
 *       embedded by MiniLM: the targets;</li>
 *   <li>{@link TokenVectorFit} pulls the token vectors so that a paragraph's mean token vector matches its target,
 *       for each ridge strength; the one with the best mean cosine on held-out paragraphs is written.</li>
 * </ol>
 * Deterministic for the same corpus, seed and CPU (OnnxRuntime's float results may differ in the last bits
 * across CPUs, below the int8 step).
 */
final class Distillation {

    static final int MAX_TOKENS = 128;
    private static final int SINGLE_TOKEN_BATCH = 64;
    /** Small, so that a batch of paragraphs sorted by length pads little. */
    private static final int PARAGRAPH_BATCH = 16;
    private static final String TOKEN_KEY = "token:";
    private static final int MIN_PARAGRAPH_CHARS = 40;
    static final String SINGLE_TOKEN_CACHE_KEY = "all-minilm-l6-v2-fp32-single-token-v1";
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");

    private final PrintStream log;
    private final Path cacheRoot;

    /** cacheRoot: where eval's {@link EmbeddingCache} keeps embeddings (the teacher's paragraph embeddings go there). */
    Distillation(PrintStream log, Path cacheRoot) {
        this.log = log;
        this.cacheRoot = cacheRoot;
    }

    record Result(int vocabulary, int paragraphs, double plainCosine, double lambda, double fittedCosine, Path file,
                  long bytes, String sha256) {
        String summary() {
            return String.format("static encoder table: %d tokens, fitted on %d paragraphs; held-out cosine to MiniLM"
                            + " %.4f single-token vectors, %.4f fitted (lambda %s, int8); %s (%d bytes) sha256 %s",
                    vocabulary, paragraphs, plainCosine, fittedCosine, lambda, file, bytes, sha256);
        }
    }

    /** wordNet: a WordNet database directory whose glosses (glossCount of them) join the corpus, or null. */
    Result run(List<Path> corpus, String field, int paragraphCount, Path wordNet, int glossCount, long seed,
               double[] lambdas, int iterations, Path target) throws Exception {
        int workers = Runtime.getRuntime().availableProcessors();
        MiniLmTokenizer tokenizer = MiniLmTokenizer.load();
        try (OnnxSentenceEncoder teacher = OnnxSentenceEncoder.load(tokenizer, MAX_TOKENS, 1)) {
            int vocabulary = vocabularySize();
            int dimension = teacher.dimension();
            ConversationFormatter formatter = new ConversationFormatter(tokenizer, MAX_TOKENS);

            long start = System.nanoTime();
            // Cached like the paragraphs, under a key of their own: a rerun with another corpus or recipe skips them.
            long[] specials = tokenizer.encodeKeepingEnd("", MAX_TOKENS).ids();
            // The cache keys texts, so each token is named by "token:<id>" and the teacher reads the id back.
            EmbeddingCache singleCache = new EmbeddingCache(cacheRoot, SINGLE_TOKEN_CACHE_KEY, new ParallelTeacher(teacher,
                    key -> new TokenizedText(new long[] {specials[0], Long.parseLong(key.substring(TOKEN_KEY.length())),
                            specials[1]}, new long[] {1, 1, 1}, new long[3]), SINGLE_TOKEN_BATCH, workers));
            List<String> tokenKeys = new ArrayList<>(vocabulary);
            for (int t = 0; t < vocabulary; t++) {
                tokenKeys.add(TOKEN_KEY + t);
            }
            List<float[]> tokenVectors = singleCache.embedAll(tokenKeys, (done, total, seconds) -> log.printf(
                    "single tokens: %d/%d (%.1f/s)%n", done, total, done / Math.max(seconds, 1e-9)));
            float[] start0 = new float[vocabulary * dimension];
            for (int t = 0; t < vocabulary; t++) {
                System.arraycopy(tokenVectors.get(t), 0, start0, t * dimension, dimension);
            }
            log.printf("embedded %d single tokens in %.0f s%n", vocabulary, (System.nanoTime() - start) / 1e9);

            List<String> sample = paragraphs(corpus, field, paragraphCount, seed);
            if (wordNet != null) {
                sample = new ArrayList<>(sample);
                sample.addAll(WordNetGlosses.read(wordNet, glossCount, seed, MIN_PARAGRAPH_CHARS));
                Collections.shuffle(sample, new Random(seed)); // glosses in the held-out tenth too
            }
            List<String> texts = sample.stream()
                    .map(p -> formatter.format(List.of(new ChatTurn("user", p)))).toList();
            List<int[]> ids = texts.stream().map(text -> toInts(tokenizer.encodeKeepingEnd(text, MAX_TOKENS).ids())).toList();
            start = System.nanoTime();
            // The same cache and key as eval's MiniLM embeddings (same model, limit and formatting): a rerun is free.
            EmbeddingCache cache = new EmbeddingCache(cacheRoot, PromptEmbeddings.cacheKey(EncoderModel.MINILM),
                    new ParallelTeacher(teacher, teacher::tokenize, PARAGRAPH_BATCH, workers));
            List<float[]> targets = cache.embedAll(texts, (done, total, seconds) -> log.printf(
                    "paragraphs: %d/%d (%.1f/s)%n", done, total, done / Math.max(seconds, 1e-9)));
            log.printf("embedded %d paragraphs in %.0f s%n", texts.size(), (System.nanoTime() - start) / 1e9);

            int heldOut = Math.max(1, texts.size() / 10);
            int fitted = texts.size() - heldOut;
            List<int[]> fitIds = ids.subList(0, fitted);
            List<int[]> checkIds = ids.subList(fitted, ids.size());
            List<float[]> checkTargets = targets.subList(fitted, targets.size());

            // The mean of unit token vectors is shorter than a unit target: scale targets to the typical length so that
            // the ridge pull towards V₀ does not fight a change of scale.
            StaticTokenTable plain = new StaticTokenTable(vocabulary, dimension, start0);
            double scale = meanNorm(plain, fitIds);
            List<float[]> scaledTargets = targets.subList(0, fitted).stream().map(v -> scaled(v, scale)).toList();
            double plainCosine = meanCosine(new StaticSentenceEncoder(tokenizer, plain.quantised(), MAX_TOKENS), checkIds, checkTargets);
            log.printf("single-token vectors: held-out cosine %.4f (mean token-vector length %.3f)%n", plainCosine, scale);

            TokenVectorFit fit = new TokenVectorFit(fitIds, vocabulary, dimension);
            StaticTokenTable best = null;
            double bestCosine = Double.NEGATIVE_INFINITY;
            double bestLambda = Double.NaN;
            for (double lambda : lambdas) {
                start = System.nanoTime();
                StaticTokenTable table = new StaticTokenTable(vocabulary, dimension,
                        fit.fit(start0, scaledTargets, lambda, iterations)).quantised();
                double cosine = meanCosine(new StaticSentenceEncoder(tokenizer, table, MAX_TOKENS), checkIds, checkTargets);
                log.printf("lambda %s: held-out cosine %.4f (%.0f s)%n", lambda, cosine, (System.nanoTime() - start) / 1e9);
                if (cosine > bestCosine) {
                    best = table;
                    bestCosine = cosine;
                    bestLambda = lambda;
                }
            }
            write(best, target);
            return new Result(vocabulary, fitted, plainCosine, bestLambda, bestCosine, target, Files.size(target), sha256(target));
        }
    }

    /** Paragraphs of at least {@value #MIN_PARAGRAPH_CHARS} characters, distinct, a seeded sample in a seeded order. */
    static List<String> paragraphs(List<Path> files, String field, int count, long seed) throws IOException {
        Set<String> distinct = new LinkedHashSet<>();
        for (Path file : files) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonElement text = JsonParser.parseString(line).getAsJsonObject().get(field);
                    if (text == null || !text.isJsonPrimitive()) {
                        continue;
                    }
                    for (String paragraph : PARAGRAPH_BREAK.split(text.getAsString())) {
                        String stripped = paragraph.strip();
                        if (stripped.length() >= MIN_PARAGRAPH_CHARS) {
                            distinct.add(stripped);
                        }
                    }
                }
            }
        }
        List<String> all = new ArrayList<>(distinct);
        Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(count, all.size()));
    }

    /** Embeds items in batches on every core, in order. */
    private static <T> List<float[]> parallel(List<T> items, Function<List<T>, List<float[]>> embed, int workers, int batch)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<List<float[]>>> parts = new ArrayList<>();
            for (int from = 0; from < items.size(); from += batch) {
                List<T> chunk = items.subList(from, Math.min(items.size(), from + batch));
                parts.add(pool.submit(() -> embed.apply(chunk)));
            }
            List<float[]> result = new ArrayList<>(items.size());
            for (Future<List<float[]>> part : parts) {
                result.addAll(part.get());
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * MiniLM on every core for a list of texts, each turned into model input by toInput: shortest first in batches, so
     * that padding stays small, then back in the caller's order.
     */
    private static final class ParallelTeacher implements SentenceEncoder {
        private final OnnxSentenceEncoder teacher;
        private final Function<String, TokenizedText> toInput;
        private final int batch;
        private final int workers;

        ParallelTeacher(OnnxSentenceEncoder teacher, Function<String, TokenizedText> toInput, int batch, int workers) {
            this.teacher = teacher;
            this.toInput = toInput;
            this.batch = batch;
            this.workers = workers;
        }

        @Override
        public int dimension() {
            return teacher.dimension();
        }

        @Override
        public String id() {
            return teacher.id();
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            List<TokenizedText> tokenized = texts.stream().map(toInput).toList();
            Integer[] order = new Integer[texts.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> tokenized.get(i).length()));
            List<TokenizedText> sorted = Arrays.stream(order).map(tokenized::get).toList();
            try {
                List<float[]> embedded = parallel(sorted, teacher::embedTokenized, workers, batch);
                float[][] result = new float[texts.size()][];
                for (int i = 0; i < order.length; i++) {
                    result[order[i]] = embedded.get(i);
                }
                return Arrays.asList(result);
            } catch (Exception e) {
                throw new IllegalStateException("MiniLM failed on the corpus", e);
            }
        }

        @Override
        public void close() {
        }
    }

    /** Entries in the tokenizer's vocabulary (the static table has one row each). */
    static int vocabularySize() throws IOException {
        try (InputStream in = MiniLmTokenizer.class.getResourceAsStream(MiniLmTokenizer.RESOURCE)) {
            JsonObject json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            return json.getAsJsonObject("model").getAsJsonObject("vocab").size();
        }
    }

    private static double meanNorm(StaticTokenTable table, List<int[]> texts) {
        double total = 0;
        int dimension = table.dimension();
        for (int[] ids : texts) {
            double[] sum = new double[dimension];
            for (int id : ids) {
                for (int d = 0; d < dimension; d++) {
                    sum[d] += table.vectors()[id * dimension + d];
                }
            }
            double squares = 0;
            for (double v : sum) {
                squares += v * v;
            }
            total += Math.sqrt(squares) / ids.length;
        }
        return total / texts.size();
    }

    private static double meanCosine(StaticSentenceEncoder encoder, List<int[]> texts, List<float[]> targets) {
        double total = 0;
        for (int i = 0; i < texts.size(); i++) {
            long[] ids = new long[texts.get(i).length];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = texts.get(i)[j];
            }
            float[] e = encoder.embedTokens(ids);
            double dot = 0;
            for (int d = 0; d < e.length; d++) {
                dot += e[d] * targets.get(i)[d];
            }
            total += dot;
        }
        return total / texts.size();
    }

    private static float[] scaled(float[] v, double scale) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * scale);
        }
        return out;
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    private static void write(StaticTokenTable table, Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, "static-table", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                table.write(out);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(digest.digest());
    }
}
