package dev.llmc.abtest.experiment;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Keeps experiments and their arms in PostgreSQL (tables created by {@link dev.llmc.abtest.AbTestSchema}). */
public final class JdbcExperimentStore {
    private static final String SELECT = """
            select x.id, x.name, x.unit, x.traffic, x.salt, x.status, x.owner, x.created_at, x.started_at, x.stopped_at,
                   a.name, a.weight, a.control, a.controller_version, a.policy, a.epsilon, a.sigma, a.expert
            from experiments x join experiment_arms a on a.experiment_id = x.id
            """;
    private static final String ORDER = " order by x.created_at, x.id, a.position";
    private final DataSource dataSource;

    public JdbcExperimentStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void insert(Experiment experiment) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement x = connection.prepareStatement(
                    "insert into experiments (id, name, unit, traffic, salt, status, owner, created_at) values (?,?,?,?,?,?,?,?)")) {
                x.setString(1, experiment.id());
                x.setString(2, experiment.name());
                x.setString(3, experiment.unit().wireName());
                x.setDouble(4, experiment.traffic());
                x.setString(5, experiment.salt());
                x.setString(6, experiment.status().wireName());
                x.setString(7, experiment.owner());
                x.setTimestamp(8, Timestamp.from(experiment.createdAt()));
                x.executeUpdate();
                writeArms(connection, experiment.id(), experiment.arms());
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("store experiment", e);
        }
    }

    public List<Experiment> findAll() {
        return query(SELECT + ORDER, null);
    }

    public Optional<Experiment> findById(String id) {
        return query(SELECT + " where x.id = ?" + ORDER, id).stream().findFirst();
    }

    /** Moves an experiment from {@code from} to {@code to}; false if it was not in state {@code from}. */
    public boolean transition(String id, ExperimentStatus from, ExperimentStatus to, Instant at) {
        String column = to == ExperimentStatus.RUNNING ? "started_at" : "stopped_at";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "update experiments set status = ?, " + column + " = ? where id = ? and status = ?")) {
            statement.setString(1, to.wireName());
            statement.setTimestamp(2, Timestamp.from(at));
            statement.setString(3, id);
            statement.setString(4, from.wireName());
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("change experiment " + id, e);
        }
    }

    /** Replaces traffic and arm weights (names and treatments never change). */
    public void update(String id, double traffic, List<Arm> arms) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement x = connection.prepareStatement("update experiments set traffic = ? where id = ?");
                 PreparedStatement a = connection.prepareStatement(
                         "update experiment_arms set weight = ? where experiment_id = ? and name = ?")) {
                x.setDouble(1, traffic);
                x.setString(2, id);
                x.executeUpdate();
                for (Arm arm : arms) {
                    a.setDouble(1, arm.weight());
                    a.setString(2, id);
                    a.setString(3, arm.name());
                    a.addBatch();
                }
                a.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("update experiment " + id, e);
        }
    }

    private static void writeArms(Connection connection, String experimentId, List<Arm> arms) throws SQLException {
        try (PreparedStatement a = connection.prepareStatement("insert into experiment_arms (experiment_id, position, name, "
                + "weight, control, controller_version, policy, epsilon, sigma, expert) values (?,?,?,?,?,?,?,?,?,?)")) {
            for (int i = 0; i < arms.size(); i++) {
                Arm arm = arms.get(i);
                a.setString(1, experimentId);
                a.setInt(2, i);
                a.setString(3, arm.name());
                a.setDouble(4, arm.weight());
                a.setBoolean(5, arm.control());
                a.setString(6, arm.controllerVersion());
                a.setString(7, arm.policy() == null ? null : arm.policy().type());
                setDouble(a, 8, arm.policy() == null ? null : arm.policy().epsilon());
                setDouble(a, 9, arm.policy() == null ? null : arm.policy().sigma());
                a.setString(10, arm.expert());
                a.addBatch();
            }
            a.executeBatch();
        }
    }

    private static void setDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    private List<Experiment> query(String sql, String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (id != null) {
                statement.setString(1, id);
            }
            Map<String, Experiment> byId = new LinkedHashMap<>();
            Map<String, List<Arm>> arms = new LinkedHashMap<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    String experimentId = r.getString(1);
                    if (!byId.containsKey(experimentId)) {
                        List<Arm> list = new ArrayList<>();
                        arms.put(experimentId, list);
                        byId.put(experimentId, new Experiment(experimentId, r.getString(2),
                                ExperimentUnit.fromWireName(r.getString(3)), r.getDouble(4), r.getString(5),
                                ExperimentStatus.fromWireName(r.getString(6)), r.getString(7), instant(r, 8),
                                instant(r, 9), instant(r, 10), List.of()));
                    }
                    String policyType = r.getString(15);
                    PolicySpec policy = policyType == null ? null
                            : new PolicySpec(policyType, nullableDouble(r, 16), nullableDouble(r, 17));
                    arms.get(experimentId).add(new Arm(r.getString(11), r.getDouble(12), r.getBoolean(13),
                            r.getString(14), policy, r.getString(18)));
                }
            }
            List<Experiment> experiments = new ArrayList<>();
            byId.forEach((key, x) -> experiments.add(new Experiment(x.id(), x.name(), x.unit(), x.traffic(), x.salt(),
                    x.status(), x.owner(), x.createdAt(), x.startedAt(), x.stoppedAt(), arms.get(key))));
            return experiments;
        } catch (SQLException e) {
            throw unavailable("read experiments", e);
        }
    }

    private static Instant instant(ResultSet r, int index) throws SQLException {
        Timestamp timestamp = r.getTimestamp(index);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Double nullableDouble(ResultSet r, int index) throws SQLException {
        double value = r.getDouble(index);
        return r.wasNull() ? null : value;
    }

    private static ExperimentStoreUnavailableException unavailable(String action, SQLException e) {
        return new ExperimentStoreUnavailableException("could not " + action + ": " + e.getMessage(), e);
    }
}
