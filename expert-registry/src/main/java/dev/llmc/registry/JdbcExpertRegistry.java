package dev.llmc.registry;

import org.postgresql.util.PSQLException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps experts in PostgreSQL (tables created by {@link RegistrySchema}). Every θ it writes is recorded as coming from
 * the encoder this registry was opened with.
 */
public final class JdbcExpertRegistry implements ExpertRegistry {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String NAME_CONSTRAINT = "experts_name_key";
    // One query per read: the left join repeats an expert's columns for each node, which is cheaper
    // than a query per expert; rows of one expert are adjacent, nodes in position order.
    private static final String SELECT = """
            select e.id, e.name, e.description, e.owner, e.status, e.theta, e.created_at, e.updated_at,
                   n.base_url, n.model, n.weight, n.encrypted_api_key
            from experts e left join expert_nodes n on n.expert_id = e.id
            """;
    private static final String ORDER = " order by e.created_at, e.name, e.id, n.position";

    private final DataSource dataSource;
    private final String thetaEncoder;

    /** thetaEncoder: the id of the encoder that embeds descriptions into θ (the gateway's {@code SentenceEncoder.id()}). */
    public JdbcExpertRegistry(DataSource dataSource, String thetaEncoder) {
        this.dataSource = dataSource;
        this.thetaEncoder = thetaEncoder;
    }

    @Override
    public void insert(Expert expert) {
        insertAll(List.of(expert));
    }

    @Override
    public void insertAll(List<Expert> experts) {
        try {
            inTransaction(connection -> {
                insert(connection, experts);
                return null;
            });
        } catch (SQLException e) {
            // A batch reports the server's error as its next exception.
            SQLException server = e.getNextException() instanceof PSQLException next ? next : e;
            if (UNIQUE_VIOLATION.equals(server.getSQLState()) && server instanceof PSQLException psql
                    && psql.getServerErrorMessage() != null
                    && NAME_CONSTRAINT.equals(psql.getServerErrorMessage().getConstraint())) {
                throw new DuplicateExpertException(takenName(psql.getServerErrorMessage().getDetail(), experts));
            }
            throw unavailable(experts.size() == 1 ? "store expert '" + experts.getFirst().name() + "'"
                    : "store " + experts.size() + " experts", e);
        }
    }

    /** The name PostgreSQL reports as taken ("Key (name)=(cooking) already exists."), else the first one. */
    private static String takenName(String detail, List<Expert> experts) {
        if (detail != null) {
            for (Expert expert : experts) {
                if (detail.contains("=(" + expert.name() + ")")) {
                    return expert.name();
                }
            }
        }
        return experts.getFirst().name();
    }

    private void insert(Connection connection, List<Expert> experts) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("insert into experts (id, name, description, owner,"
                + " status, theta, created_at, updated_at, theta_encoder) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Expert expert : experts) {
                statement.setString(1, expert.id());
                statement.setString(2, expert.name());
                statement.setString(3, expert.description());
                statement.setString(4, expert.owner());
                statement.setString(5, expert.status().wireName());
                statement.setArray(6, connection.createArrayOf("real", boxed(expert.theta())));
                statement.setObject(7, OffsetDateTime.ofInstant(expert.createdAt(), ZoneOffset.UTC));
                statement.setObject(8, OffsetDateTime.ofInstant(expert.updatedAt(), ZoneOffset.UTC));
                statement.setString(9, thetaEncoder);
                statement.addBatch();
            }
            statement.executeBatch();
        }
        insertNodes(connection, experts);
    }

    private static void insertNodes(Connection connection, List<Expert> experts) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into expert_nodes (expert_id, position, base_url, model, weight, encrypted_api_key) values (?, ?, ?, ?, ?, ?)")) {
            for (Expert expert : experts) {
                for (int position = 0; position < expert.nodes().size(); position++) {
                    ExpertNode node = expert.nodes().get(position);
                    statement.setString(1, expert.id());
                    statement.setInt(2, position);
                    statement.setString(3, node.baseUrl());
                    statement.setString(4, node.model());
                    statement.setInt(5, node.weight());
                    statement.setString(6, node.encryptedApiKey());
                    statement.addBatch();
                }
            }
            statement.executeBatch();
        }
    }

    private static Float[] boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    @Override
    public boolean update(Expert expert) {
        try {
            return inTransaction(connection -> {
                int updated;
                try (PreparedStatement statement = connection.prepareStatement(
                        "update experts set description = ?, theta = ?, status = ?, updated_at = ?, theta_encoder = ? where id = ?")) {
                    statement.setString(1, expert.description());
                    statement.setArray(2, connection.createArrayOf("real", boxed(expert.theta())));
                    statement.setString(3, expert.status().wireName());
                    statement.setObject(4, OffsetDateTime.ofInstant(expert.updatedAt(), ZoneOffset.UTC));
                    statement.setString(5, thetaEncoder);
                    statement.setString(6, expert.id());
                    updated = statement.executeUpdate();
                }
                if (updated > 0) {
                    try (PreparedStatement statement = connection.prepareStatement("delete from expert_nodes where expert_id = ?")) {
                        statement.setString(1, expert.id());
                        statement.executeUpdate();
                    }
                    insertNodes(connection, List.of(expert));
                }
                return updated > 0;
            });
        } catch (SQLException e) {
            throw unavailable("update expert '" + expert.id() + "'", e);
        }
    }

    @Override
    public List<Expert> findEmbeddedByAnotherEncoder() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(SELECT + " where e.theta_encoder <> ?" + ORDER)) {
            statement.setString(1, thetaEncoder);
            return read(statement);
        } catch (SQLException e) {
            throw unavailable("find experts embedded by another encoder", e);
        }
    }

    @Override
    public boolean replaceTheta(String id, float[] theta) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "update experts set theta = ?, theta_encoder = ? where id = ?")) {
            statement.setArray(1, connection.createArrayOf("real", boxed(theta)));
            statement.setString(2, thetaEncoder);
            statement.setString(3, id);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw unavailable("replace θ of expert '" + id + "'", e);
        }
    }

    private interface TransactionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
    private <T> T inTransaction(TransactionWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    @Override
    public Set<String> changeStatus(Collection<String> ids, ExpertStatus from, ExpertStatus to, Instant at) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "update experts set status = ?, updated_at = ? where id = any(?) and status = ? returning id")) {
            statement.setString(1, to.wireName());
            statement.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setArray(3, connection.createArrayOf("text", ids.toArray()));
            statement.setString(4, from.wireName());
            Set<String> changed = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    changed.add(rows.getString(1));
                }
            }
            return changed;
        } catch (SQLException e) {
            throw unavailable("change the status of " + (ids.size() == 1 ? "expert '" + ids.iterator().next() + "'"
                    : ids.size() + " experts"), e);
        }
    }

    @Override
    public long version() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("select version from registry_version");
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("registry_version has no row");
            }
            return rows.getLong(1);
        } catch (SQLException e) {
            throw unavailable("read the registry version", e);
        }
    }

    @Override
    public List<Expert> findAll() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SELECT + ORDER)) {
            return read(statement);
        } catch (SQLException e) {
            throw unavailable("list experts", e);
        }
    }

    @Override
    public Optional<List<Expert>> findChangedSince(long since) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement removed = connection.prepareStatement("select rows_removed_in from registry_version");
             PreparedStatement changed = connection.prepareStatement(SELECT + " where e.changed_in > ?" + ORDER)) {
            try (ResultSet rows = removed.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("registry_version has no row");
                }
                if (rows.getLong(1) > since) {
                    return Optional.empty();
                }
            }
            changed.setLong(1, since);
            return Optional.of(read(changed));
        } catch (SQLException e) {
            throw unavailable("read the experts changed since version " + since, e);
        }
    }

    @Override
    public long countNotRetired(String owner) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select count(*) from experts where owner = ? and status <> ?")) {
            statement.setString(1, owner);
            statement.setString(2, ExpertStatus.RETIRED.wireName());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw unavailable("count the experts of owner '" + owner + "'", e);
        }
    }

    @Override
    public Optional<Expert> findById(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SELECT + " where e.id = ?" + ORDER)) {
            statement.setString(1, id);
            return read(statement).stream().findFirst();
        } catch (SQLException e) {
            throw unavailable("read expert '" + id + "'", e);
        }
    }

    private static List<Expert> read(PreparedStatement statement) throws SQLException {
        List<Expert> experts = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            String currentId = null;
            List<ExpertNode> nodes = null;
            while (rows.next()) {
                String id = rows.getString("id");
                if (!id.equals(currentId)) {
                    currentId = id;
                    nodes = new ArrayList<>();
                    // The expert gets a read-only view of a list that the following rows still fill.
                    experts.add(new Expert(id, rows.getString("name"), rows.getString("description"),
                            rows.getString("owner"), ExpertStatus.fromWireName(rows.getString("status")),
                            theta(rows), Collections.unmodifiableList(nodes),
                            rows.getObject("created_at", OffsetDateTime.class).toInstant(),
                            rows.getObject("updated_at", OffsetDateTime.class).toInstant()));
                }
                String baseUrl = rows.getString("base_url");
                if (baseUrl != null) {
                    nodes.add(new ExpertNode(baseUrl, rows.getString("model"), rows.getInt("weight"),
                            rows.getString("encrypted_api_key")));
                }
            }
        }
        return List.copyOf(experts);
    }

    private static float[] theta(ResultSet rows) throws SQLException {
        Float[] boxed = (Float[]) rows.getArray("theta").getArray();
        float[] theta = new float[boxed.length];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = boxed[i];
        }
        return theta;
    }

    private static RegistryUnavailableException unavailable(String action, SQLException e) {
        return new RegistryUnavailableException("could not " + action + ": " + e.getMessage(), e);
    }
}
