package dev.llmc.abtest.stats;

import dev.llmc.abtest.experiment.Experiment;
import dev.llmc.abtest.experiment.ExperimentUnit;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Aggregates an experiment's logged exposures and signals per (arm, unit), or per (arm, unit, hour or day of serving
 * time) for results over time, in PostgreSQL, so only one row per unit (and bucket) crosses the wire. Units are
 * client-chosen ids scoped by the owner of the app key ({@code owner:id}), so two apps' {@code u1} are two units. Conversation length of a message = distinct later turns of its conversation.
 */
public final class JdbcUnitAggregates {
    /** %1$s: the unit's column; %2$s: the bucket of serving time, a fixed expression (never caller text). */
    private static final String SQL = """
            select m.arm, m.unit, m.bucket, count(*), count(r.value), coalesce(sum(r.value), 0),
                   count(t.message_id), sum(m.conversation_length)
            from (select e.message_id, e.arm, e.owner || ':' || e.%1$s as unit, %2$s as bucket,
                         (select count(distinct l.turn) from exposures l
                           where l.owner = e.owner and l.conversation_id = e.conversation_id and l.turn > e.turn)
                           as conversation_length
                  from exposures e where e.experiment_id = ?) m
            left join signals r on r.message_id = m.message_id and r.type = 'rating'
            left join signals t on t.message_id = m.message_id and t.type = 'retry'
            group by m.arm, m.unit, m.bucket
            """;
    /** The bucket expressions by name: whole history, or PostgreSQL's date_trunc to an hour or a day of UTC. */
    private static final Map<String, String> BUCKETS = Map.of(
            "all", "null::timestamp",
            "hour", "date_trunc('hour', e.served_at at time zone 'UTC')",
            "day", "date_trunc('day', e.served_at at time zone 'UTC')");
    private final DataSource dataSource;

    public JdbcUnitAggregates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<UnitAggregate> forExperiment(Experiment experiment) throws SQLException {
        return query(experiment, "all").stream().map(ExperimentTimeline.BucketedAggregate::totals).toList();
    }

    /** Per (arm, unit, bucket) totals; {@code bucket} is "hour" or "day" (UTC). */
    public List<ExperimentTimeline.BucketedAggregate> forExperimentByBucket(Experiment experiment, String bucket) throws SQLException {
        if (!bucket.equals("hour") && !bucket.equals("day")) {
            throw new IllegalArgumentException("bucket must be 'hour' or 'day', was '" + bucket + "'");
        }
        return query(experiment, bucket);
    }

    private List<ExperimentTimeline.BucketedAggregate> query(Experiment experiment, String bucket) throws SQLException {
        String column = experiment.unit() == ExperimentUnit.USER ? "user_id" : "conversation_id";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SQL.formatted(column, BUCKETS.get(bucket)))) {
            statement.setString(1, experiment.id());
            List<ExperimentTimeline.BucketedAggregate> rows = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    LocalDateTime start = r.getObject(3, LocalDateTime.class);
                    rows.add(new ExperimentTimeline.BucketedAggregate(start == null ? null : start.toInstant(ZoneOffset.UTC),
                            new UnitAggregate(r.getString(1), r.getString(2), r.getLong(4), r.getLong(5), r.getDouble(6),
                                    r.getLong(7), r.getDouble(8))));
                }
            }
            return rows;
        }
    }
}
