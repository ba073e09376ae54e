package dev.llmc.abtest.event;

/**
 * A logged exposure joined with its signals, for training and off-policy estimates: {@code rating} is null when
 * the message was not rated, {@code retried} whether the user asked for another reply, {@code conversationLength}
 * the number of later turns in the same conversation (derived); {@code policy} what chose the expert (null in rows
 * logged before it was recorded) and {@code encoder} the id of the encoder that computed e(C) (null without e(C);
 * {@link LoggedExposureReader#UNRECORDED_ENCODER} for rows logged before it was recorded).
 */
public record LoggedExposure(String messageId, String userId, String conversationId, String experimentId, String arm,
                             String controllerVersion, String expertId, double score, double propensity,
                             float[] embedding, long servedAtMillis, Float rating, boolean retried,
                             Integer conversationLength, String policy, String encoder) {
}
