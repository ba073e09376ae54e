package dev.llmc.gateway.versions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Controller versions in PostgreSQL, shared by every gateway replica and the training job. */
@Singleton
public final class ControllerVersionStore {
    private final DataSource dataSource;

    /** Also used outside the application (the training job of the tools module) on its own connection pool. */
    public ControllerVersionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A stored version as listed: its manifest as JSON, without the parameters. */
    public record StoredVersion(String id, Instant createdAt, boolean active, String manifestJson) {
    }

    /** Stores a new, inactive version. */
    public void insert(String id, Instant createdAt, String manifestJson, byte[] artifact) {
        execute("insert into controller_versions (id, created_at, manifest, artifact) values (?, ?, ?::jsonb, ?)", statement -> {
            statement.setString(1, id);
            statement.setTimestamp(2, Timestamp.from(createdAt));
            statement.setString(3, manifestJson);
            statement.setBytes(4, artifact);
            statement.executeUpdate();
            return null;
        });
    }

    /** Stores a trained artifact as a new, inactive version under its manifest's version id. */
    public void insert(ControllerArtifact artifact) {
        ControllerManifest manifest = artifact.manifest();
        insert(manifest.versionId(), manifest.createdAt(), manifestJson(manifest), artifact.toBytes());
    }

    /** The manifest as the API lists it: snake_case names, ISO instants. */
    static String manifestJson(ControllerManifest manifest) {
        try {
            return new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the manifest", e);
        }
    }

    public List<StoredVersion> list() {
        return execute("select id, created_at, active, manifest::text from controller_versions order by created_at desc, id", statement -> {
            List<StoredVersion> versions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.add(new StoredVersion(rows.getString(1), rows.getTimestamp(2).toInstant(), rows.getBoolean(3), rows.getString(4)));
                }
            }
            return versions;
        });
    }

    public Optional<byte[]> artifact(String id) {
        return execute("select artifact from controller_versions where id = ?", statement -> {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.<byte[]>empty();
            }
        });
    }

    /** The active version's id; empty means the content-based controller serves. */
    public Optional<String> activeId() {
        return execute("select id from controller_versions where active", statement -> {
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
            }
        });
    }

    /** Makes {@code id} the active version (null: none, the content-based controller); false if it does not exist. */
    public boolean activate(String id) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement clear = connection.prepareStatement("update controller_versions set active = false where active");
                 PreparedStatement set = connection.prepareStatement("update controller_versions set active = true where id = ?")) {
                clear.executeUpdate();
                if (id != null) {
                    set.setString(1, id);
                    if (set.executeUpdate() == 0) {
                        connection.rollback();
                        return false;
                    }
                }
                connection.commit();
                return true;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ControllerStoreException("could not activate controller version " + id, e);
        }
    }

    private interface StatementWork<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    private <T> T execute(String sql, StatementWork<T> work) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            return work.run(statement);
        } catch (SQLException e) {
            throw new ControllerStoreException("controller version store: " + e.getMessage(), e);
        }
    }

    /** The version store could not be read or written; retrying may help. */
    public static final class ControllerStoreException extends RuntimeException {
        ControllerStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
