package dev.llmc.abtest.stats;

import dev.llmc.abtest.experiment.Experiment;
import dev.llmc.abtest.experiment.ExperimentUnit;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Aggregates an experiment's logged exposures and signals per (arm, unit) in PostgreSQL, so only one row per unit
 * crosses the wire. Units are client-chosen ids scoped by the owner of the app key ({@code owner:id}), so two apps'
 * {@code u1} are two units. Conversation length of a message = distinct later turns of its conversation.
 */
public final class JdbcUnitAggregates {
    private static final String SQL = """
            select m.arm, m.unit, count(*), count(r.value), coalesce(sum(r.value), 0),
                   count(t.message_id), sum(m.conversation_length)
            from (select e.message_id, e.arm, e.owner || ':' || e.%s as unit,
                         (select count(distinct l.turn) from exposures l
                           where l.owner = e.owner and l.conversation_id = e.conversation_id and l.turn > e.turn)
                           as conversation_length
                  from exposures e where e.experiment_id = ?) m
            left join signals r on r.message_id = m.message_id and r.type = 'rating'
            left join signals t on t.message_id = m.message_id and t.type = 'retry'
            group by m.arm, m.unit
            """;
    /** The same per unit and per bucket of serving time ({@code date_trunc} to an hour or a day, UTC). */
    private static final String BUCKETED_SQL = """
            select m.arm, m.unit, m.bucket, count(*), count(r.value), coalesce(sum(r.value), 0),
                   count(t.message_id), sum(m.conversation_length)
            from (select e.message_id, e.arm, e.owner || ':' || e.%s as unit,
                         date_trunc(?, e.served_at at time zone 'UTC') as bucket,
                         (select count(distinct l.turn) from exposures l
                           where l.owner = e.owner and l.conversation_id = e.conversation_id and l.turn > e.turn)
                           as conversation_length
                  from exposures e where e.experiment_id = ?) m
            left join signals r on r.message_id = m.message_id and r.type = 'rating'
            left join signals t on t.message_id = m.message_id and t.type = 'retry'
            group by m.arm, m.unit, m.bucket
            """;
    private final DataSource dataSource;

    public JdbcUnitAggregates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<UnitAggregate> forExperiment(Experiment experiment) throws SQLException {
        String column = experiment.unit() == ExperimentUnit.USER ? "user_id" : "conversation_id";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SQL.formatted(column))) {
            statement.setString(1, experiment.id());
            List<UnitAggregate> rows = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    rows.add(new UnitAggregate(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getDouble(5),
                            r.getLong(6), r.getDouble(7)));
                }
            }
            return rows;
        }
    }

    /** Per (arm, unit, bucket) totals; {@code bucket} is PostgreSQL's {@code date_trunc} field, "hour" or "day". */
    public List<ExperimentTimeline.BucketedAggregate> forExperimentByBucket(Experiment experiment, String bucket) throws SQLException {
        String column = experiment.unit() == ExperimentUnit.USER ? "user_id" : "conversation_id";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(BUCKETED_SQL.formatted(column))) {
            statement.setString(1, bucket);
            statement.setString(2, experiment.id());
            List<ExperimentTimeline.BucketedAggregate> rows = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    Instant start = r.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                    rows.add(new ExperimentTimeline.BucketedAggregate(start, new UnitAggregate(r.getString(1), r.getString(2),
                            r.getLong(4), r.getLong(5), r.getDouble(6), r.getLong(7), r.getDouble(8))));
                }
            }
            return rows;
        }
    }
}
