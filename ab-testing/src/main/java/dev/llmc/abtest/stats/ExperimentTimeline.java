package dev.llmc.abtest.stats;

import dev.llmc.abtest.experiment.Arm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Results over time: per bucket (an hour or a day, by when messages were served) the results of everything served
 * up to the end of that bucket, so each point is what {@link ExperimentStatistics} would have said then. A unit's
 * totals accumulate across buckets, so it counts once however many buckets it appears in.
 */
public final class ExperimentTimeline {
    /** One cumulative point: the end of its bucket and the results up to then. */
    public record Point(Instant until, ExperimentResults results) {
    }

    private ExperimentTimeline() {
    }

    /** {@code rows} are per (arm, unit, bucket start) totals; {@code bucket} the bucket's length in seconds. */
    public static List<Point> compute(List<Arm> arms, List<BucketedAggregate> rows, long bucketSeconds) {
        TreeMap<Instant, List<BucketedAggregate>> byBucket = new TreeMap<>();
        for (BucketedAggregate row : rows) {
            byBucket.computeIfAbsent(row.bucket(), b -> new ArrayList<>()).add(row);
        }
        Map<String, UnitAggregate> running = new LinkedHashMap<>();
        List<Point> points = new ArrayList<>();
        for (Map.Entry<Instant, List<BucketedAggregate>> bucket : byBucket.entrySet()) {
            for (BucketedAggregate row : bucket.getValue()) {
                UnitAggregate a = row.totals();
                running.merge(a.arm() + '\u0000' + a.unitId(), a, (x, y) -> new UnitAggregate(x.arm(), x.unitId(),
                        x.messages() + y.messages(), x.ratings() + y.ratings(), x.ratingSum() + y.ratingSum(),
                        x.retries() + y.retries(), x.conversationLengthSum() + y.conversationLengthSum()));
            }
            points.add(new Point(bucket.getKey().plusSeconds(bucketSeconds),
                    ExperimentStatistics.compute(arms, List.copyOf(running.values()))));
        }
        return points;
    }

    /** One unit's totals over the messages it was served in one bucket. */
    public record BucketedAggregate(Instant bucket, UnitAggregate totals) {
    }
}
