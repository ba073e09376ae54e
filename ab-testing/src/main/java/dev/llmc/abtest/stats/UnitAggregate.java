package dev.llmc.abtest.stats;

/**
 * One randomised unit's totals in one arm: messages served, ratings (count and sum), retried messages, and the
 * sum of conversation lengths (later turns) over its messages.
 */
public record UnitAggregate(String arm, String unitId, long messages, long ratings, double ratingSum, long retries,
                            double conversationLengthSum) {
}
