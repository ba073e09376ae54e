package dev.llmc.abtest.stats;

/**
 * Per-arm results: sizes, metric means with 95% CIs, and against the control relative lifts and two-sided
 * p-values (null for the control itself and wherever there is too little data).
 */
public record ArmResult(String name, boolean control, double weight, long units, long messages,
                        Double ratingMean, double[] ratingCi95, Double retryRate, double[] retryRateCi95,
                        Double conversationLengthMean, double[] conversationLengthCi95,
                        Double ratingLift, Double ratingPValue, Double retryLift, Double retryPValue,
                        Double conversationLengthLift, Double conversationLengthPValue) {
}
