package dev.llmc.model.training;

/**
 * How a controller is trained and how its heads combine at serving time: loss weights α, serving weights w, the
 * projection size k, the pull toward content θ and the optimiser settings.
 *
 * @param k                     dimension of x_C = normalise(W e(C))
 * @param alphaRetry            loss weight α of the retry head (logistic loss)
 * @param alphaRating           loss weight α of the rating head (logistic loss on (stars − 1) / 4)
 * @param alphaLength           loss weight α of the conversation-length head (Poisson loss)
 * @param servingWeightRetry    serving weight w of P(retry), ≤ 0: a likely retry counts against an expert
 * @param servingWeightRating   serving weight w of the expected stars
 * @param servingWeightLength   serving weight w of the expected later turns
 * @param contentRegularisation λ: strength of the L2 pull of every θ_{m,s} toward its content prior (and of W toward
 *                              its initial projection), in examples: the penalty is λ/N beside the mean loss over N
 *                              examples, so it dominates on little data (rare and new experts stay near their content
 *                              θ) and fades as data grows
 * @param epochs                passes over the training examples
 * @param batchSize             examples per optimiser step
 * @param learningRate          Adam's peak learning rate (cosine decay to 5% of it over the run)
 * @param seed                  seeds initialisation and shuffling: same data, same seed, same parameters
 * @param holdoutFraction       share of the newest examples held out for evaluation, in [0, 1)
 */
public record TrainingConfig(int k, double alphaRetry, double alphaRating, double alphaLength,
        double servingWeightRetry, double servingWeightRating, double servingWeightLength,
        double contentRegularisation, int epochs, int batchSize, double learningRate, long seed,
        double holdoutFraction) {

    public TrainingConfig {
        if (k < 1 || k > 4096) {
            throw new IllegalArgumentException("k must be in [1, 4096], was " + k);
        }
        requireNonNegative("alphaRetry", alphaRetry);
        requireNonNegative("alphaRating", alphaRating);
        requireNonNegative("alphaLength", alphaLength);
        if (alphaRetry + alphaRating + alphaLength <= 0) {
            throw new IllegalArgumentException("alphaRetry, alphaRating and alphaLength must not all be 0");
        }
        if (!(servingWeightRetry <= 0) || !Double.isFinite(servingWeightRetry)) {
            throw new IllegalArgumentException("servingWeightRetry must be ≤ 0 (a retry counts against an expert), was "
                    + servingWeightRetry);
        }
        requireFinite("servingWeightRating", servingWeightRating);
        requireFinite("servingWeightLength", servingWeightLength);
        requireNonNegative("contentRegularisation", contentRegularisation);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, was " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
        }
        if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
            throw new IllegalArgumentException("holdoutFraction must be in [0, 1), was " + holdoutFraction);
        }
    }

    /** Defaults sized for logged production traffic (hundreds of thousands of examples and more). */
    public static TrainingConfig defaults() {
        return new TrainingConfig(32, 1.0, 1.0, 0.1, -2.0, 1.0, 0.1, 30.0, 3, 1024, 0.01, 42L, 0.1);
    }

    /** A copy with another number of epochs. */
    public TrainingConfig withEpochs(int newEpochs) {
        return new TrainingConfig(k, alphaRetry, alphaRating, alphaLength, servingWeightRetry, servingWeightRating,
                servingWeightLength, contentRegularisation, newEpochs, batchSize, learningRate, seed, holdoutFraction);
    }

    /** A copy with another hold-out fraction. */
    public TrainingConfig withHoldoutFraction(double newHoldoutFraction) {
        return new TrainingConfig(k, alphaRetry, alphaRating, alphaLength, servingWeightRetry, servingWeightRating,
                servingWeightLength, contentRegularisation, epochs, batchSize, learningRate, seed, newHoldoutFraction);
    }

    private static void requireNonNegative(String field, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number ≥ 0, was " + value);
        }
    }

    private static void requireFinite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be finite, was " + value);
        }
    }
}
