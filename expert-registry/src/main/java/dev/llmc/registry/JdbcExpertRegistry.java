package dev.llmc.registry;

import org.postgresql.util.PSQLException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Keeps experts in PostgreSQL (tables created by {@link RegistrySchema}). */
public final class JdbcExpertRegistry implements ExpertRegistry {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String NAME_CONSTRAINT = "experts_name_key";
    // One query per read: the left join repeats an expert's columns for each node, which is cheaper
    // than a query per expert; rows of one expert are adjacent, nodes in position order.
    private static final String SELECT = """
            select e.id, e.name, e.description, e.owner, e.status, e.theta, e.created_at, n.base_url, n.model
            from experts e left join expert_nodes n on n.expert_id = e.id
            """;
    private static final String ORDER = " order by e.created_at, e.name, e.id, n.position";

    private final DataSource dataSource;

    public JdbcExpertRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void insert(Expert expert) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                insert(connection, expert);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState()) && e instanceof PSQLException psql
                    && psql.getServerErrorMessage() != null
                    && NAME_CONSTRAINT.equals(psql.getServerErrorMessage().getConstraint())) {
                throw new DuplicateExpertException(expert.name());
            }
            throw unavailable("store expert '" + expert.name() + "'", e);
        }
    }

    private static void insert(Connection connection, Expert expert) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into experts (id, name, description, owner, status, theta, created_at) values (?, ?, ?, ?, ?, ?, ?)")) {
            Float[] theta = new Float[expert.theta().length];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = expert.theta()[i];
            }
            statement.setString(1, expert.id());
            statement.setString(2, expert.name());
            statement.setString(3, expert.description());
            statement.setString(4, expert.owner());
            statement.setString(5, expert.status().wireName());
            statement.setArray(6, connection.createArrayOf("real", theta));
            statement.setObject(7, OffsetDateTime.ofInstant(expert.createdAt(), ZoneOffset.UTC));
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into expert_nodes (expert_id, position, base_url, model) values (?, ?, ?, ?)")) {
            for (int position = 0; position < expert.nodes().size(); position++) {
                ExpertNode node = expert.nodes().get(position);
                statement.setString(1, expert.id());
                statement.setInt(2, position);
                statement.setString(3, node.baseUrl());
                statement.setString(4, node.model());
                statement.addBatch();
            }
            statement.executeBatch();
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
    public Optional<Expert> findById(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SELECT + " where e.id = ?" + ORDER)) {
            statement.setString(1, id);
            return read(statement).stream().findFirst();
        } catch (SQLException e) {
            throw unavailable("read expert '" + id + "'", e);
        }
    }

    @Override
    public boolean deleteById(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("delete from experts where id = ?")) {
            statement.setString(1, id);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw unavailable("delete expert '" + id + "'", e);
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
                            rows.getObject("created_at", OffsetDateTime.class).toInstant()));
                }
                String baseUrl = rows.getString("base_url");
                if (baseUrl != null) {
                    nodes.add(new ExpertNode(baseUrl, rows.getString("model")));
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
