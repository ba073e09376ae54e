package dev.llmc.abtest.stats;

import dev.llmc.abtest.experiment.Arm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Computes per-arm results from per-unit aggregates. Units, not messages, were randomised, so every estimate is a
 * ratio of per-unit totals with a delta-method standard error ({@link RatioEstimate}); treating messages as
 * independent would overstate significance when a unit sends many messages. Every interval stays inside its
 * metric's range: ratings within [1, 5], a retry rate within [0, 1] (Wilson), a conversation length at least 0.
 */
public final class ExperimentStatistics {
    /** Ratings are 1–5 (the feedback API refuses others), so a mean rating and its interval are too. */
    private static final double RATING_MIN = 1;
    private static final double RATING_MAX = 5;

    private ExperimentStatistics() {
    }

    public static ExperimentResults compute(List<Arm> arms, List<UnitAggregate> aggregates) {
        Map<String, List<UnitAggregate>> byArm = aggregates.stream().collect(Collectors.groupingBy(UnitAggregate::arm));
        Arm controlArm = arms.stream().filter(Arm::control).findFirst().orElseThrow();
        Metrics control = Metrics.of(byArm.getOrDefault(controlArm.name(), List.of()));
        List<ArmResult> results = new ArrayList<>();
        long[] units = new long[arms.size()];
        double[] weights = new double[arms.size()];
        for (int i = 0; i < arms.size(); i++) {
            Arm arm = arms.get(i);
            List<UnitAggregate> rows = byArm.getOrDefault(arm.name(), List.of());
            Metrics metrics = arm.control() ? control : Metrics.of(rows);
            units[i] = rows.size();
            weights[i] = arm.weight();
            long messages = rows.stream().mapToLong(UnitAggregate::messages).sum();
            results.add(new ArmResult(arm.name(), arm.control(), arm.weight(), rows.size(), messages,
                    finite(metrics.rating.mean()), finiteCi(metrics.rating.ci95Within(RATING_MIN, RATING_MAX)),
                    finite(metrics.retry.mean()), finiteCi(metrics.retry.wilsonCi95(messages)),
                    finite(metrics.length.mean()), finiteCi(metrics.length.ci95Within(0, Double.POSITIVE_INFINITY)),
                    arm.control() ? null : finite(metrics.rating.liftOver(control.rating)),
                    arm.control() ? null : finite(metrics.rating.pValueAgainst(control.rating)),
                    arm.control() ? null : finite(metrics.retry.liftOver(control.retry)),
                    arm.control() ? null : finite(metrics.retry.pValueAgainst(control.retry)),
                    arm.control() ? null : finite(metrics.length.liftOver(control.length)),
                    arm.control() ? null : finite(metrics.length.pValueAgainst(control.length))));
        }
        return new ExperimentResults(results, SrmCheck.of(units, weights));
    }

    private record Metrics(RatioEstimate rating, RatioEstimate retry, RatioEstimate length) {
        static Metrics of(List<UnitAggregate> rows) {
            return new Metrics(
                    ratio(rows, UnitAggregate::ratingSum, row -> row.ratings()),
                    ratio(rows, row -> row.retries(), row -> row.messages()),
                    ratio(rows, UnitAggregate::conversationLengthSum, row -> row.messages()));
        }
    }

    private static RatioEstimate ratio(List<UnitAggregate> rows, ToDoubleFunction<UnitAggregate> y, ToDoubleFunction<UnitAggregate> n) {
        return RatioEstimate.of(rows.stream().mapToDouble(y).toArray(), rows.stream().mapToDouble(n).toArray());
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static double[] finiteCi(double[] ci) {
        return Double.isFinite(ci[0]) && Double.isFinite(ci[1]) ? ci : null;
    }
}
