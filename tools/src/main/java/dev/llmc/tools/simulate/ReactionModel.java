package dev.llmc.tools.simulate;

import java.util.SplittableRandom;

/**
 * How a simulated user reacts to a reply whose true quality is the label ℓ in [0, 1] (the judge's probability that it
 * beats the reference answer): every reply is rated, then the user regenerates it, continues the conversation with
 * another question, or ends it.
 *
 * <ul>
 *   <li>rating = round(1 + 4ℓ + N(0, σ²)) clamped to 1–5, σ = {@code ratingNoise}: a perfect reply gets 5 stars on
 *       average, a useless one 1, and noise makes one rating a weak signal;</li>
 *   <li>retry (regenerate) with probability {@code retryBase + retrySlope · (1 − ℓ)}, at most once per question: a poor
 *       reply is retried more often;</li>
 *   <li>otherwise another turn with probability {@code continueBase + continueSlope · ℓ} while the conversation has
 *       fewer than {@code maxTurns} questions, else {@code end}: a good reply keeps the user talking, so conversation
 *       length carries signal too.</li>
 * </ul>
 */
public record ReactionModel(double ratingNoise, double retryBase, double retrySlope, double continueBase,
        double continueSlope, int maxTurns) {

    /** The defaults {@code llmc simulate} documents. */
    public static final ReactionModel DEFAULT = new ReactionModel(0.8, 0.05, 0.4, 0.1, 0.5, 4);

    public ReactionModel {
        check("rating noise", ratingNoise, 0, 10);
        check("retry base", retryBase, 0, 1);
        check("retry base + slope", retryBase + retrySlope, 0, 1);
        check("retry slope", retrySlope, 0, 1);
        check("continue base", continueBase, 0, 1);
        check("continue slope", continueSlope, 0, 1);
        check("continue base + slope", continueBase + continueSlope, 0, 1);
        if (maxTurns < 1) {
            throw new IllegalArgumentException("max turns must be at least 1, was " + maxTurns);
        }
    }

    private static void check(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    /** A star rating 1–5 for a reply of quality label. */
    public int rating(double label, SplittableRandom random) {
        double latent = 1 + 4 * label + ratingNoise * random.nextGaussian();
        return (int) Math.max(1, Math.min(5, Math.round(latent)));
    }

    /** Whether the user regenerates a reply of quality label. */
    public boolean retries(double label, SplittableRandom random) {
        return random.nextDouble() < retryBase + retrySlope * (1 - label);
    }

    /** Whether the user asks another question after a reply of quality label, in a conversation of turnsSoFar questions. */
    public boolean continues(double label, int turnsSoFar, SplittableRandom random) {
        return turnsSoFar < maxTurns && random.nextDouble() < continueBase + continueSlope * label;
    }
}
