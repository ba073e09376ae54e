package dev.llmc.gateway.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmc.gateway.config.DatabaseConfig;
import dev.llmc.gateway.config.EmbeddedConfig;
import dev.llmc.gateway.config.RedisConfig;
import dev.llmc.gateway.config.StartupRefusedException;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Connections to PostgreSQL and Redis: the configured URLs, or embedded servers in development mode. A
 * production gateway without a database URL refuses to start rather than quietly creating its own database.
 */
@Factory
final class StorageFactory {
    private static final Logger LOG = LoggerFactory.getLogger(StorageFactory.class);

    @Singleton
    @Bean(preDestroy = "close")
    HikariDataSource dataSource(DatabaseConfig database, EmbeddedConfig embedded,
                                BeanProvider<EmbeddedPostgresServer> embeddedPostgres) {
        HikariConfig hikari = new HikariConfig();
        if (database.hasUrl()) {
            hikari.setJdbcUrl(database.url());
            hikari.setUsername(database.user());
            hikari.setPassword(database.password());
        } else if (embedded.enabled()) {
            requireDevelopmentClasspath("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", "PostgreSQL", "LLMC_DATABASE_URL");
            hikari.setJdbcUrl(embeddedPostgres.get().jdbcUrl());
            hikari.setUsername("postgres");
        } else {
            throw new StartupRefusedException("LLMC_DATABASE_URL (llmc.database.url) is not set. Point it at PostgreSQL, "
                    + "e.g. jdbc:postgresql://db:5432/llmc, or run ./llmc up for a development system with an embedded database.");
        }
        hikari.setMaximumPoolSize(database.poolSize());
        hikari.setPoolName("llmc");
        // Fail at start-up, not on the first request, when the database is unreachable.
        hikari.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            DatabaseMigrations.migrate(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    /**
     * The embedded servers are a development convenience that production images do not carry (their jars are in the
     * gateway's {@code target/dev-lib}, which {@code ./llmc up} puts on the classpath).
     */
    private static void requireDevelopmentClasspath(String className, String store, String urlVariable) {
        try {
            Class.forName(className, false, StorageFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new StartupRefusedException("llmc.embedded.enabled is set, but this build has no embedded " + store
                    + " (a development convenience, not part of the gateway image). Set " + urlVariable
                    + ", or run ./llmc up, which adds the embedded servers.");
        }
    }

    // Eager: ./llmc up has Redis connected before it reports ready. An unreachable Redis does not stop the start: it is
    // connected to in the background, and meanwhile every feature uses its in-process fallback.
    @Context
    @Bean(preDestroy = "close")
    RedisConnections redis(RedisConfig redis, EmbeddedConfig embedded, BeanProvider<EmbeddedRedisServer> embeddedRedis) {
        Optional<String> url = redis.hasUrl() ? Optional.of(redis.url()) : Optional.empty();
        if (url.isEmpty() && embedded.enabled()) {
            requireDevelopmentClasspath("redis.embedded.RedisServer", "Redis", "LLMC_REDIS_URL");
            url = Optional.of(embeddedRedis.get().url());
        }
        if (url.isEmpty()) {
            LOG.warn("LLMC_REDIS_URL is not set: shared state stays in this process, which is only correct for a single gateway replica");
            return new RedisConnections(null);
        }
        return new RedisConnections(url.get());
    }
}
