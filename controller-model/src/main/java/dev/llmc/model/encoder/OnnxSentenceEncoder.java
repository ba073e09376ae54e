package dev.llmc.model.encoder;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 run by DJL's OnnxRuntime engine on the CPU or a CUDA GPU, with mean pooling over the attention
 * mask and L2 normalisation in plain Java; thread-safe.
 */
public final class OnnxSentenceEncoder implements SentenceEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxSentenceEncoder.class);
    /**
     * Full precision on purpose: the quantised twin (all-minilm-l6-v2-q) quantises activations with one scale per
     * tensor, so its embedding of a text would change with whatever else shares the batch.
     */
    private static final String MODEL_NAME = "all-minilm-l6-v2";
    private static final String MODEL_RESOURCE = "/" + MODEL_NAME + ".onnx";
    private static final int DIMENSION = 384;
    /** BERT's position embeddings stop at 512. */
    private static final int MODEL_MAX_TOKENS = 512;
    /** Bounds the activations of one forward pass (batch × tokens × 384 floats) when callers pass long lists. */
    private static final int MAX_BATCH = 32;

    private final ZooModel<NDList, NDList> model;
    private final BlockingQueue<Predictor<NDList, NDList>> predictors;
    private final MiniLmTokenizer tokenizer;
    private final int maxTokens;
    private final Device device;

    private OnnxSentenceEncoder(ZooModel<NDList, NDList> model, MiniLmTokenizer tokenizer, int maxTokens, Device device) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.device = device;
        // DJL predictors are not thread-safe, the ORT session behind them is: one predictor per concurrent caller.
        int poolSize = Runtime.getRuntime().availableProcessors();
        this.predictors = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            predictors.add(model.newPredictor());
        }
    }

    /** Where the encoder runs: the first GPU when OnnxRuntime reports a CUDA one ({@code AUTO}), or a fixed choice. */
    public enum DeviceChoice {
        AUTO,
        CPU,
        GPU
    }

    /** Loads the encoder with the settings' token limit, intra-op threads (0: one per core) and device. */
    public static OnnxSentenceEncoder load(MiniLmTokenizer tokenizer, EncoderSettings settings) {
        return load(tokenizer, settings.maxTokens(), settings.effectiveThreads(), settings.device());
    }

    /** Loads the encoder like {@link #load(MiniLmTokenizer, int, int, DeviceChoice)} on the device OnnxRuntime offers. */
    public static OnnxSentenceEncoder load(MiniLmTokenizer tokenizer, int maxTokens, int intraOpThreads) {
        return load(tokenizer, maxTokens, intraOpThreads, DeviceChoice.AUTO);
    }

    /**
     * Loads the full-precision all-MiniLM-L6-v2 from the classpath; texts longer than maxTokens (including [CLS] and
     * [SEP]) keep their end. The tokenizer stays owned by the caller: {@link #close()} does not close it.
     *
     * @throws IllegalStateException when {@code GPU} is demanded and OnnxRuntime has no CUDA device (the CPU-only
     *                               {@code onnxruntime} jar never has one)
     */
    public static OnnxSentenceEncoder load(MiniLmTokenizer tokenizer, int maxTokens, int intraOpThreads, DeviceChoice choice) {
        if (maxTokens < 2 || maxTokens > MODEL_MAX_TOKENS) {
            throw new IllegalArgumentException("maxTokens must be in [2, 512], was " + maxTokens);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
        }
        System.getProperties().putIfAbsent("ai.djl.offline", "true");
        Device device = device(choice);
        Path modelFile = extractModel();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine("OnnxRuntime")
                // A GPU device makes DJL add OnnxRuntime's CUDA execution provider to the session.
                .optDevice(device)
                .optModelPath(modelFile.getParent())
                .optModelName(MODEL_NAME)
                .optOption("intraOpNumThreads", Integer.toString(intraOpThreads))
                // Parallelism across requests comes from the predictor pool, not from ORT's inter-op threads.
                .optOption("interOpNumThreads", "1")
                .build();
        try {
            ZooModel<NDList, NDList> model = criteria.loadModel();
            LOG.info("Loaded {} from {} on {} (maxTokens={}, intraOpThreads={})",
                    MODEL_NAME, modelFile, describe(device), maxTokens, intraOpThreads);
            return new OnnxSentenceEncoder(model, tokenizer, maxTokens, device);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + modelFile, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("Cannot load " + modelFile, e);
        }
    }

    private static Device device(DeviceChoice choice) {
        if (choice == DeviceChoice.CPU) {
            return Device.cpu();
        }
        // The CPU-only jar is not even built with CUDA; asking DJL there would only log a warning. With the GPU jar,
        // DJL's count is 0 unless the CUDA provider loads (CUDA and cuDNN libraries found) and a device is visible.
        boolean cudaBuild = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (cudaBuild && Engine.getEngine("OnnxRuntime").getGpuCount() > 0) {
            return Device.gpu(0);
        }
        if (choice == DeviceChoice.GPU) {
            throw new IllegalStateException("A GPU was demanded but OnnxRuntime reports none: it needs the onnxruntime_gpu"
                    + " jar (gpu-node's -Pgpu build), CUDA 12 and cuDNN 9 libraries on the library path, and a visible GPU");
        }
        return Device.cpu();
    }

    private static String describe(Device device) {
        return device.isGpu() ? "GPU " + device.getDeviceId() + " (CUDA)" : "CPU";
    }

    /**
     * DJL needs the model as a file: copy the classpath resource once into a cache directory keyed by its size, via
     * a temporary file and an atomic move so that concurrent processes never see a partial file.
     */
    private static Path extractModel() {
        URL resource = OnnxSentenceEncoder.class.getResource(MODEL_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException("Model resource " + MODEL_RESOURCE + " is not on the classpath");
        }
        try {
            long size = resource.openConnection().getContentLengthLong();
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "llmc-models", MODEL_NAME + "-" + size);
            Path target = dir.resolve(MODEL_NAME + ".onnx");
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, MODEL_NAME, ".part");
            try (InputStream in = resource.openStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + MODEL_RESOURCE, e);
        }
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String id() {
        return EncoderModel.MINILM.id();
    }

    /** Where inference runs, e.g. {@code "CPU"} or {@code "GPU 0 (CUDA)"}. */
    public String device() {
        return describe(device);
    }

    /** Tokens kept per text, [CLS] and [SEP] included. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The model inputs for one text, truncated to {@link #maxTokens()} keeping its end. */
    public TokenizedText tokenize(String text) {
        return tokenizer.encodeKeepingEnd(text, maxTokens);
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> embeddings = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += MAX_BATCH) {
            List<TokenizedText> batch = new ArrayList<>();
            for (String text : texts.subList(from, Math.min(texts.size(), from + MAX_BATCH))) {
                batch.add(tokenize(text));
            }
            embeddings.addAll(embedTokenized(batch));
        }
        return embeddings;
    }

    /**
     * Embeds already tokenized texts in one forward pass, padded to the longest of them; element i of the result
     * belongs to batch.get(i). Callers that group texts themselves (see {@link BatchingSentenceEncoder}) bound the
     * batch size.
     */
    public List<float[]> embedTokenized(List<TokenizedText> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int size = batch.size();
        int length = batch.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        // Pads are id 0 ([PAD]) with attention mask 0, so they neither attend nor count in the mean.
        long[] ids = new long[size * length];
        long[] mask = new long[size * length];
        long[] typeIds = new long[size * length];
        for (int i = 0; i < size; i++) {
            TokenizedText text = batch.get(i);
            System.arraycopy(text.ids(), 0, ids, i * length, text.length());
            System.arraycopy(text.attentionMask(), 0, mask, i * length, text.length());
            System.arraycopy(text.typeIds(), 0, typeIds, i * length, text.length());
        }
        Predictor<NDList, NDList> predictor = borrowPredictor();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            Shape shape = new Shape(size, length);
            NDList inputs = new NDList(
                    named(manager.create(ids, shape), "input_ids"),
                    named(manager.create(mask, shape), "attention_mask"),
                    named(manager.create(typeIds, shape), "token_type_ids"));
            float[] states = predictor.predict(inputs).get("last_hidden_state").toFloatArray();
            return meanPoolAndNormalise(states, mask, size, length);
        } catch (TranslateException e) {
            throw new IllegalStateException("Encoder inference failed", e);
        } finally {
            predictors.add(predictor);
        }
    }

    private Predictor<NDList, NDList> borrowPredictor() {
        try {
            return predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for an encoder predictor", e);
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    /**
     * e = u / ‖u‖ with u = Σ_t mask_t · h_t / Σ_t mask_t, sentence-transformers' pooling for all-MiniLM-L6-v2; the
     * 1 / Σ_t mask_t factor cancels in the normalisation, so only the masked sum is computed.
     */
    private static List<float[]> meanPoolAndNormalise(float[] states, long[] mask, int size, int length) {
        List<float[]> result = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            double[] sum = new double[DIMENSION];
            for (int t = 0; t < length; t++) {
                if (mask[i * length + t] != 0) {
                    int offset = (i * length + t) * DIMENSION;
                    for (int d = 0; d < DIMENSION; d++) {
                        sum[d] += states[offset + d];
                    }
                }
            }
            double squares = 0;
            for (double v : sum) {
                squares += v * v;
            }
            double norm = Math.max(Math.sqrt(squares), 1e-12);
            float[] embedding = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                embedding[d] = (float) (sum[d] / norm);
            }
            result.add(embedding);
        }
        return result;
    }

    @Override
    public void close() {
        predictors.forEach(Predictor::close);
        model.close();
    }
}
