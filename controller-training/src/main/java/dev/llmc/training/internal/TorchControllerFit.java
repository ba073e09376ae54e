package dev.llmc.training.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.internal.ControllerParameters;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.training.TrainingProgress;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Fits the controller's parameters with DJL on the PyTorch engine (its default device: a GPU when DJL sees one).
 *
 * <p>Forward pass for a mini-batch, per head s ∈ {retry, rating, length} and logged expert m:
 * <pre>
 * x_C        = W e(C) / sqrt(‖W e(C)‖² + 1e-12)
 * r_s        = θ_{m,s} · x_C + b_{m,s}
 * L_retry    = softplus(r) − y·r                       (logistic loss, y = retried)
 * L_rating   = softplus(r) − t·r,  t = (stars − 1) / 4 (logistic loss on a soft target; expected stars = 1 + 4σ(r))
 * L_length   = exp(r) − n·r                            (Poisson, log link; n = later turns)
 * L          = Σ_s α_s · Σ_i ω_i L_s,i / Σ_i ω_i       (each head over the examples carrying its signal)
 *            + (λ/N) · ( Σ_{m,s} ‖θ_{m,s} − a_s · normalise(W c_m)‖² + M·‖a‖² + ‖W − W₀‖² )
 *            + (1/N) · Σ_{m,s} (b_{m,s} − β_s)²
 * </pre>
 * over the N training examples, with ω_i = min(1/propensity_i, 10) normalised to mean 1 over the training set
 * (clipped inverse-propensity weighting: examples the logging policy rarely chose count more, within bounds), c_m the
 * expert's content θ (e(description)), a_s and β_s learned per head, W₀ the initial random projection. Adam with a
 * cosine-decayed learning rate. Deterministic for a seed: initialisation and shuffling come from Java generators, and
 * a batch's maths is dense matrix products (the logged expert is picked with a one-hot mask, not a scatter).
 */
public final class TorchControllerFit {

    private static final String ENGINE = "PyTorch";
    /** DJL's setting of PyTorch's intra-op threads, read when the engine starts. */
    public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    private static final float EPSILON = 1e-12f;
    /**
     * Per-example label matrix: one target column per head (retried, (stars − 1)/4, later turns), then one weight
     * column per head (ω_i where the example carries the head's signal, else 0).
     */
    private static final int HEADS = ControllerParameters.HEADS;
    private static final int LABELS = 2 * HEADS;
    /** Rows per host-to-engine copy while building the embedding matrix: bounds the temporary Java buffer. */
    private static final int UPLOAD_ROWS = 16_384;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;
    private static final double FINAL_LEARNING_RATE_SHARE = 0.05;
    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;
    /** DJL's PyTorch gradient collector is a JVM-wide singleton: fits run one at a time. */
    private static final Object ENGINE_LOCK = new Object();

    /** The fitted parameters and the mean training loss of the last epoch. */
    public record Result(ControllerParameters parameters, double finalLoss) {
    }

    private TorchControllerFit() {
    }

    /**
     * Fits parameters on train (in any order); expertIds gives the row of each expert, content its content θ (same
     * order). Every example's expert must be in expertIds.
     */
    public static Result fit(TrainingConfig config, List<TrainingExample> train, List<String> expertIds,
            float[][] content, TrainingProgress progress) {
        System.getProperties().putIfAbsent("ai.djl.offline", "true");
        synchronized (ENGINE_LOCK) {
            Engine engine = Engine.getEngine(ENGINE);
            // One intra-op thread unless configured: this model's operations are small, and OpenMP threads waiting for
            // a busy core made steps 8× slower on a shared 2-core machine (measured: 72k vs 9k examples/s). Set here,
            // not only as a start-up property, because another component may have started the engine already.
            JniUtils.setNumThreads(Integer.getInteger(THREADS_PROPERTY, 1));
            Device device = engine.defaultDevice();
            try (NDManager manager = engine.newBaseManager(device)) {
                return new Run(config, train, expertIds, content, progress, engine, manager).fit();
            }
        }
    }

    /** One fit: the data on the device, the parameters and Adam's state. */
    private static final class Run {
        private final TrainingConfig config;
        private final List<TrainingExample> train;
        private final TrainingProgress progress;
        private final Engine engine;
        private final NDManager manager;
        private final int n;
        private final int d;
        private final int k;
        private final int experts;
        private final float[] initialBias = new float[HEADS];
        private final NDArray embeddings;
        private final NDArray labelMatrix;
        private final NDArray expertIndex;
        private final NDArray contentMatrix;
        private final NDArray alpha;
        /** W, d × k. */
        private final NDArray projection;
        /** W at initialisation: the anchor of W's penalty. */
        private final NDArray initialProjection;
        /** θ of every head stacked: row s·M + m is θ_{m,s}. */
        private final NDArray theta;
        /** b of every head stacked, 1 × 3M. */
        private final NDArray bias;
        private final NDArray contentScale;
        private final NDArray priorBias;
        private final NDArray[] parameters;
        private final NDArray[] firstMoment;
        private final NDArray[] secondMoment;

        Run(TrainingConfig config, List<TrainingExample> train, List<String> expertIds, float[][] content,
                TrainingProgress progress, Engine engine, NDManager manager) {
            this.config = config;
            this.train = train;
            this.progress = progress;
            this.engine = engine;
            this.manager = manager;
            this.n = train.size();
            this.d = train.getFirst().embedding().length;
            this.k = config.k();
            this.experts = expertIds.size();
            Map<String, Integer> row = new HashMap<>();
            for (int m = 0; m < experts; m++) {
                row.put(expertIds.get(m), m);
            }
            long[] expertOf = new long[n];
            this.labelMatrix = manager.create(labels(row, expertOf), new Shape(n, LABELS));
            this.expertIndex = manager.create(expertOf);
            this.embeddings = uploadEmbeddings();
            float[] contentFlat = new float[experts * d];
            for (int m = 0; m < experts; m++) {
                System.arraycopy(content[m], 0, contentFlat, m * d, d);
            }
            this.contentMatrix = manager.create(contentFlat, new Shape(experts, d));
            this.alpha = manager.create(new float[] {(float) config.alphaRetry(), (float) config.alphaRating(),
                    (float) config.alphaLength()});

            // W starts as a random projection (Johnson–Lindenstrauss scale), θ at zero, biases at the data's means.
            SplittableRandom random = new SplittableRandom(config.seed());
            float[] w = new float[d * k];
            double scale = 1.0 / Math.sqrt(d);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextGaussian() * scale);
            }
            this.projection = manager.create(w, new Shape(d, k));
            this.initialProjection = manager.create(w, new Shape(d, k));
            this.theta = manager.zeros(new Shape((long) HEADS * experts, k));
            float[] b = new float[HEADS * experts];
            for (int s = 0; s < HEADS; s++) {
                Arrays.fill(b, s * experts, (s + 1) * experts, initialBias[s]);
            }
            this.bias = manager.create(b, new Shape(1, (long) HEADS * experts));
            this.contentScale = manager.zeros(new Shape(HEADS));
            this.priorBias = manager.create(initialBias.clone());
            this.parameters = new NDArray[] {projection, theta, bias, contentScale, priorBias};
            this.firstMoment = new NDArray[parameters.length];
            this.secondMoment = new NDArray[parameters.length];
            for (int p = 0; p < parameters.length; p++) {
                parameters[p].setRequiresGradient(true);
                firstMoment[p] = parameters[p].zerosLike();
                secondMoment[p] = parameters[p].zerosLike();
            }
        }

        /**
         * The label matrix (targets, then weights ω_i normalised to mean 1 and zeroed where a signal is missing); fills
         * expertOf and the heads' initial biases (the weighted means of the targets).
         */
        private float[] labels(Map<String, Integer> row, long[] expertOf) {
            float[] labels = new float[n * LABELS];
            float[] omega = new float[n];
            double omegaSum = 0;
            for (int i = 0; i < n; i++) {
                TrainingExample example = train.get(i);
                if (example.embedding().length != d) {
                    throw new IllegalArgumentException("example " + example.messageId() + " has an embedding of dimension "
                            + example.embedding().length + ", expected " + d);
                }
                Integer m = row.get(example.expertId());
                if (m == null) {
                    throw new IllegalArgumentException("expert " + example.expertId() + " has no content θ");
                }
                expertOf[i] = m;
                omega[i] = example.inversePropensityWeight();
                omegaSum += omega[i];
            }
            float omegaScale = (float) (n / omegaSum);
            double[] targetSum = new double[HEADS];
            double[] weightSum = new double[HEADS];
            for (int i = 0; i < n; i++) {
                TrainingExample example = train.get(i);
                float weight = omega[i] * omegaScale;
                int at = i * LABELS;
                labels[at + ControllerParameters.RETRY] = example.retried() ? 1f : 0f;
                labels[at + HEADS + ControllerParameters.RETRY] = weight;
                if (example.hasRating()) {
                    labels[at + ControllerParameters.RATING] = (example.rating() - 1f) / 4f;
                    labels[at + HEADS + ControllerParameters.RATING] = weight;
                }
                if (example.hasConversationLength()) {
                    labels[at + ControllerParameters.LENGTH] = example.conversationLength();
                    labels[at + HEADS + ControllerParameters.LENGTH] = weight;
                }
                for (int s = 0; s < HEADS; s++) {
                    targetSum[s] += labels[at + HEADS + s] * labels[at + s];
                    weightSum[s] += labels[at + HEADS + s];
                }
            }
            for (int s = 0; s < HEADS; s++) {
                if (weightSum[s] > 0) {
                    double mean = targetSum[s] / weightSum[s];
                    initialBias[s] = s == ControllerParameters.LENGTH ? (float) Math.log(Math.max(mean, 1e-3)) : logit(mean);
                }
            }
            return labels;
        }

        /** Copies e(C) to the device in slices, so the host never holds a second full copy. */
        private NDArray uploadEmbeddings() {
            NDArray all = manager.zeros(new Shape(n, d));
            float[] buffer = new float[Math.min(n, UPLOAD_ROWS) * d];
            for (int start = 0; start < n; start += UPLOAD_ROWS) {
                int end = Math.min(n, start + UPLOAD_ROWS);
                for (int i = start; i < end; i++) {
                    System.arraycopy(train.get(i).embedding(), 0, buffer, (i - start) * d, d);
                }
                try (NDArray slice = manager.create(FloatBuffer.wrap(buffer, 0, (end - start) * d),
                        new Shape(end - start, d))) {
                    all.set(new NDIndex("{}:{}", start, end), slice);
                }
            }
            return all;
        }

        Result fit() {
            int batch = Math.min(config.batchSize(), n);
            long totalSteps = (long) ((n + batch - 1) / batch) * config.epochs();
            long examplesTotal = (long) n * config.epochs();
            Random shuffler = new Random(config.seed());
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            long start = System.nanoTime();
            long lastReport = start;
            long seen = 0;
            long step = 0;
            double intervalLoss = 0;
            long intervalExamples = 0;
            double epochLoss = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                shuffle(order, shuffler);
                epochLoss = 0;
                for (int from = 0; from < n; from += batch) {
                    int size = Math.min(batch, n - from);
                    long[] indices = new long[size];
                    for (int i = 0; i < size; i++) {
                        indices[i] = order[from + i];
                    }
                    step++;
                    float loss = step(indices, learningRate(step - 1, totalSteps), step);
                    epochLoss += (double) loss * size;
                    intervalLoss += (double) loss * size;
                    intervalExamples += size;
                    seen += size;
                    long now = System.nanoTime();
                    if (now - lastReport >= PROGRESS_INTERVAL_NANOS || from + size >= n) {
                        double rate = seen / Math.max((now - start) / 1e9, 1e-9);
                        Duration eta = Duration.ofMillis((long) ((examplesTotal - seen) / rate * 1000));
                        progress.update(epoch, config.epochs(), seen, examplesTotal, rate, intervalLoss / intervalExamples, eta);
                        lastReport = now;
                        intervalLoss = 0;
                        intervalExamples = 0;
                    }
                }
            }
            return new Result(parameters(), epochLoss / n);
        }

        /** Cosine decay from the configured rate to 5% of it. */
        private double learningRate(long step, long totalSteps) {
            double done = totalSteps <= 1 ? 0 : (double) step / (totalSteps - 1);
            double cosine = 0.5 * (1 + Math.cos(Math.PI * done));
            return config.learningRate() * (FINAL_LEARNING_RATE_SHARE + (1 - FINAL_LEARNING_RATE_SHARE) * cosine);
        }

        /** One Adam step (t counts from 1) on one mini-batch; returns the batch loss. */
        private float step(long[] indices, double learningRate, long t) {
            try (NDScope scope = new NDScope()) {
                NDArray index = manager.create(indices);
                NDIndex rows = new NDIndex("{}", index);
                NDArray e = embeddings.get(rows);
                NDArray y = labelMatrix.get(rows);
                NDArray oneHot = expertIndex.get(rows).oneHot(experts);
                NDArray loss;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    loss = loss(e, y, oneHot);
                    collector.backward(loss);
                }
                float value = loss.getFloat();
                if (!Float.isFinite(value)) {
                    throw new IllegalStateException("training diverged (loss " + value + " at step " + t
                            + "): lower learningRate");
                }
                float corrected = (float) (learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
                for (int p = 0; p < parameters.length; p++) {
                    NDArray gradient = parameters[p].getGradient();
                    // DJL's fused Adam: one native call per parameter instead of a dozen element-wise ones.
                    parameters[p].getNDArrayInternal().adamUpdate(
                            new NDList(parameters[p], gradient, firstMoment[p], secondMoment[p]), new NDList(parameters[p]),
                            (float) learningRate, corrected, 0f, 1f, -1f, (float) BETA1, (float) BETA2,
                            (float) ADAM_EPSILON, true, false);
                    // PyTorch accumulates gradients across backward passes: reset for the next batch.
                    JniUtils.zeroGrad((PtNDArray) parameters[p]);
                }
                return value;
            }
        }

        /** The mini-batch loss: α-weighted mean head losses plus the content regulariser. */
        private NDArray loss(NDArray e, NDArray y, NDArray oneHot) {
            long batch = e.getShape().get(0);
            NDArray x = normaliseRows(e.matMul(projection));
            // Every head of every expert at once, then the logged expert's column per head.
            NDArray r = x.matMul(theta.transpose()).add(bias).reshape(batch, HEADS, experts)
                    .mul(oneHot.reshape(batch, 1, experts)).sum(new int[] {2});
            NDArray target = y.get(":, 0:" + HEADS);
            NDArray weight = y.get(":, " + HEADS + ":");
            NDArray logistic = r.get(":, 0:2");
            NDArray logLength = r.get(":, 2:3");
            NDArray perExample = NDArrays.concat(new NDList(
                    Activation.softPlus(logistic).sub(logistic.mul(target.get(":, 0:2"))),
                    logLength.exp().sub(logLength.mul(target.get(":, 2:3")))), 1);
            NDArray headLoss = perExample.mul(weight).sum(new int[] {0}).div(weight.sum(new int[] {0}).add(EPSILON));
            return headLoss.mul(alpha).sum().add(regulariser());
        }

        /**
         * (λ/N)·(Σ_{m,s} ‖θ_{m,s} − a_s·normalise(W c_m)‖² + M·‖a‖² + ‖W − W₀‖²) + (1/N)·Σ_{m,s} (b_{m,s} − β_s)².
         * Divided by N because the data term is a mean: the prior then weighs as much as a fixed number of examples,
         * strong on little data and fading as data grows.
         */
        private NDArray regulariser() {
            float strength = (float) (config.contentRegularisation() / n);
            NDArray contentX = normaliseRows(contentMatrix.matMul(projection)).reshape(1, experts, k);
            NDArray target = contentScale.reshape(HEADS, 1, 1).mul(contentX);
            NDArray thetaPenalty = theta.reshape(HEADS, experts, k).sub(target).square().sum();
            // a_s scales every expert's prior, so it is penalised as if it were part of each θ; W is anchored to its
            // initial projection, else it could rotate x_C per example and memorise noise through θ.
            NDArray priorPenalty = contentScale.square().sum().mul((float) experts);
            NDArray projectionPenalty = projection.sub(initialProjection).square().sum();
            NDArray biasPenalty = bias.reshape(HEADS, experts).sub(priorBias.reshape(HEADS, 1)).square().sum();
            return thetaPenalty.add(priorPenalty).add(projectionPenalty).mul(strength).add(biasPenalty.mul(1f / n));
        }

        private static NDArray normaliseRows(NDArray z) {
            return z.div(z.square().sum(new int[] {1}, true).add(EPSILON).sqrt());
        }

        private ControllerParameters parameters() {
            float[] thetas = theta.toFloatArray();
            float[] biases = bias.toFloatArray();
            float[][] thetaPerHead = new float[HEADS][];
            float[][] biasPerHead = new float[HEADS][];
            for (int s = 0; s < HEADS; s++) {
                thetaPerHead[s] = Arrays.copyOfRange(thetas, s * experts * k, (s + 1) * experts * k);
                biasPerHead[s] = Arrays.copyOfRange(biases, s * experts, (s + 1) * experts);
            }
            return new ControllerParameters(d, k, projection.toFloatArray(), thetaPerHead, biasPerHead,
                    contentScale.toFloatArray(), priorBias.toFloatArray());
        }

        private static void shuffle(int[] order, Random random) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }

        private static float logit(double p) {
            double clipped = Math.min(Math.max(p, 1e-3), 1 - 1e-3);
            return (float) Math.log(clipped / (1 - clipped));
        }
    }
}
