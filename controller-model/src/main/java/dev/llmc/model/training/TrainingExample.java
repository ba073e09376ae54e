package dev.llmc.model.training;

/**
 * One logged exposure joined with its signals: what training learns from.
 *
 * @param messageId          the exposure's message id
 * @param expertId           the expert that answered
 * @param embedding          e(C), the conversation embedding the router saw (384-d, unit norm)
 * @param propensity         the probability the logging policy had of choosing this expert, in (0, 1]
 * @param servedAtMillis     when the reply was served (epoch milliseconds): orders the hold-out
 * @param rating             stars in [1, 5], or NaN when the user did not rate
 * @param retried            whether the user asked for another reply
 * @param conversationLength later turns in the conversation (≥ 0), or NaN when unknown
 */
public record TrainingExample(
        String messageId, String expertId, float[] embedding, float propensity,
        long servedAtMillis, float rating, boolean retried, float conversationLength) {

    /**
     * Bound of the inverse-propensity weight: examples the logging policy rarely chose count more, but at most this
     * much, so that a few improbable choices cannot dominate a fit.
     */
    public static final float MAX_INVERSE_PROPENSITY = 10f;

    public TrainingExample {
        if (messageId == null) {
            throw new IllegalArgumentException("messageId must not be null");
        }
        if (expertId == null || expertId.isEmpty()) {
            throw new IllegalArgumentException("expertId must not be empty (message " + messageId + ")");
        }
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException("embedding must not be empty (message " + messageId + ")");
        }
        if (!(propensity > 0f && propensity <= 1f)) {
            throw new IllegalArgumentException("propensity must be in (0, 1], was " + propensity + " (message " + messageId + ")");
        }
        if (!Float.isNaN(rating) && !(rating >= 1f && rating <= 5f)) {
            throw new IllegalArgumentException("rating must be in [1, 5] or NaN, was " + rating + " (message " + messageId + ")");
        }
        if (!Float.isNaN(conversationLength) && !(conversationLength >= 0f && Float.isFinite(conversationLength))) {
            throw new IllegalArgumentException("conversationLength must be ≥ 0 or NaN, was " + conversationLength
                    + " (message " + messageId + ")");
        }
    }

    /** ω = min(1/propensity, {@value #MAX_INVERSE_PROPENSITY}): the clipped inverse-propensity weight training uses. */
    public float inversePropensityWeight() {
        return Math.min(1f / propensity, MAX_INVERSE_PROPENSITY);
    }

    /** Whether the user rated the reply (the rating head learns only from these). */
    public boolean hasRating() {
        return !Float.isNaN(rating);
    }

    /** Whether the conversation's later length is known (the length head learns only from these). */
    public boolean hasConversationLength() {
        return !Float.isNaN(conversationLength);
    }
}
