package dev.llmc.gateway.storage;

import dev.llmc.gateway.config.EmbeddedConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real Redis started as a child process for development ({@code ./llmc up}); append-only file (fsync every second) in {@code <data-dir>/redis}. */
@Singleton
public final class EmbeddedRedisServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisServer.class);
    private final RedisServer redis;
    private final int port;

    EmbeddedRedisServer(EmbeddedConfig config) {
        Path dataDir = Path.of(config.dataDir(), "redis").toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
            port = freePort();
            redis = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("dir " + dataDir)
                    // Durability from the append-only file, synced once a second (Redis's production default). No RDB
                    // snapshots on top: Redis restores from the AOF when it has one, and under the event log's write
                    // rate the default save rule ("60 10000") forked a full snapshot every minute (./llmc bench events).
                    .setting("appendonly yes")
                    .setting("appendfsync everysec")
                    .setting("save \"\"")
                    .onShutdownForceStop(true)
                    .build();
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Redis in " + dataDir, e);
        }
        LOG.info("embedded Redis on port {}, data in {} (development only)", port, dataDir);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    @PreDestroy
    public void close() {
        try {
            redis.stop();
        } catch (IOException e) {
            LOG.warn("embedded Redis did not stop cleanly", e);
        }
    }
}
