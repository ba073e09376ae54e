package dev.llmc.abtest.experiment;

import java.util.Set;

/**
 * An arm's routing policy: {@code greedy}, {@code epsilon_greedy} (with {@code epsilon}), {@code thompson} (with
 * {@code sigma}, the posterior standard deviation of the scores) or {@code random}; unused parameters are null.
 */
public record PolicySpec(String type, Double epsilon, Double sigma) {
    public static final Set<String> TYPES = Set.of("greedy", "epsilon_greedy", "thompson", "random");
    public static final double DEFAULT_EPSILON = 0.1;
    public static final double DEFAULT_SIGMA = 0.05;

    /** Checks the type and parameters and fills defaults; throws {@link InvalidExperimentException} naming the field. */
    public static PolicySpec validated(String where, String type, Double epsilon, Double sigma) {
        if (type == null || !TYPES.contains(type)) {
            throw new InvalidExperimentException(where + ".type", where + ".type must be one of greedy, epsilon_greedy, thompson, random"
                    + (type == null ? "" : ", was '" + type + "'"));
        }
        if (epsilon != null && !type.equals("epsilon_greedy")) {
            throw new InvalidExperimentException(where + ".epsilon", where + ".epsilon is only allowed for type 'epsilon_greedy'");
        }
        if (sigma != null && !type.equals("thompson")) {
            throw new InvalidExperimentException(where + ".sigma", where + ".sigma is only allowed for type 'thompson'");
        }
        return switch (type) {
            case "epsilon_greedy" -> {
                double e = epsilon == null ? DEFAULT_EPSILON : epsilon;
                if (!(e >= 0 && e <= 1)) {
                    throw new InvalidExperimentException(where + ".epsilon", where + ".epsilon must be between 0 and 1, was " + e);
                }
                yield new PolicySpec(type, e, null);
            }
            case "thompson" -> {
                double s = sigma == null ? DEFAULT_SIGMA : sigma;
                if (!(s > 0 && s <= 10)) {
                    throw new InvalidExperimentException(where + ".sigma", where + ".sigma must be > 0 and at most 10, was " + s);
                }
                yield new PolicySpec(type, null, s);
            }
            default -> new PolicySpec(type, null, null);
        };
    }
}
