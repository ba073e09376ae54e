package dev.llmc.gateway.events;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmc.abtest.event.JdbcEventLookup;
import dev.llmc.abtest.event.JdbcEventWriter;
import dev.llmc.gateway.storage.DownUntil;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * The event log's own small connection pool to the gateway's database, with a short connection timeout: when
 * PostgreSQL is down the writer must fail over to Redis within a second, and must not take connections from
 * the pool that serves API requests.
 */
@Singleton
public final class EventStorage implements AutoCloseable {
    private final HikariDataSource pool;
    private final JdbcEventWriter writer;
    private final JdbcEventLookup lookup;

    EventStorage(DataSource main) {
        HikariConfig config = new HikariConfig();
        HikariDataSource source = (HikariDataSource) main;
        config.setJdbcUrl(source.getJdbcUrl());
        config.setUsername(source.getUsername());
        config.setPassword(source.getPassword());
        config.setPoolName("llmc-events");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(1000);
        config.setValidationTimeout(500);
        // The event log must start (and buffer) even while PostgreSQL is briefly away.
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        writer = new JdbcEventWriter(pool);
        lookup = new JdbcEventLookup(pool);
    }

    // Set by whoever sees PostgreSQL fail, so other paths skip it for a second instead of each waiting for a
    // connection timeout: callers that can decide without PostgreSQL should.
    private final DownUntil down = new DownUntil(Duration.ofSeconds(1));

    DownUntil down() {
        return down;
    }

    public JdbcEventWriter writer() {
        return writer;
    }

    public JdbcEventLookup lookup() {
        return lookup;
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    @PreDestroy
    public void close() {
        pool.close();
    }
}
