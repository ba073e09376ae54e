package dev.llmc.gateway.storage;

import dev.llmc.gateway.config.EmbeddedConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real PostgreSQL started in-process for development ({@code ./llmc up}); its data survives restarts in {@code <data-dir>/postgres}. */
@Singleton
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    /** Written while the server runs so that tools such as {@code ./llmc train} can find the development database. */
    public static final String URL_FILE = "postgres.url";
    private final EmbeddedPostgres postgres;
    private final Path urlFile;

    EmbeddedPostgresServer(EmbeddedConfig config) {
        Path dataDir = Path.of(config.dataDir(), "postgres").toAbsolutePath();
        try {
            Files.createDirectories(dataDir.getParent());
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDir, e);
        }
        urlFile = dataDir.resolveSibling(URL_FILE);
        try {
            Files.writeString(urlFile, jdbcUrl());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + urlFile, e);
        }
        LOG.info("embedded PostgreSQL on port {}, data in {} (development only)", postgres.getPort(), dataDir);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    @PreDestroy
    public void close() {
        try {
            Files.deleteIfExists(urlFile);
            postgres.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
