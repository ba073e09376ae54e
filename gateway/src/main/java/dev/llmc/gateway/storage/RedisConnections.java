package dev.llmc.gateway.storage;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.micronaut.core.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Redis connection shared by features that keep state across gateway replicas. A gateway whose Redis is unreachable
 * when it starts starts anyway: until Redis answers, {@link #async()} fails at once and every feature uses the
 * in-process fallback it uses during an outage at runtime. Connecting is retried in the background on Lettuce's own
 * reconnect schedule (its exponential delay, at most 30 s apart); once connected, Lettuce's watchdog reconnects after
 * any later outage, and while disconnected commands are rejected at once rather than queued without bound.
 */
public final class RedisConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private final RedisClient client;
    private final RedisURI uri;
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    /** Connects to {@code url} (null: no Redis, single-replica mode); an unreachable Redis is connected to later. */
    public RedisConnections(@Nullable String url) {
        if (url == null) {
            client = null;
            uri = null;
            return;
        }
        uri = RedisURI.create(url);
        client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try {
            connection = client.connect(StringCodec.UTF8, uri);
        } catch (RedisConnectionException e) {
            LOG.warn("Redis at {} is unreachable ({}); serving with in-process state (rate limits, stickiness, message "
                    + "index, assignments; events go to the disk spool) and connecting in the background", where(),
                    rootMessage(e));
            retryLater();
        }
    }

    /** Whether a Redis is configured (it may be unreachable right now). */
    public boolean configured() {
        return client != null;
    }

    /** The connection, once established (it may be broken off right now; Lettuce reconnects it). */
    public Optional<StatefulRedisConnection<String, String>> connection() {
        return Optional.ofNullable(connection);
    }

    /**
     * Commands on the shared connection. Throws {@link RedisConnectionException} (as a command on a broken connection
     * fails) while the gateway has not yet reached Redis, so callers take the path they take when Redis is down.
     */
    public RedisAsyncCommands<String, String> async() {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null) {
            throw new RedisConnectionException("not connected to Redis at " + where() + " yet");
        }
        return current.async();
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        Duration delay = client.getResources().reconnectDelay().createDelay(attempts.incrementAndGet());
        client.getResources().eventExecutorGroup().schedule(this::connectInBackground, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void connectInBackground() {
        if (closed) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((established, error) -> {
            if (error != null) {
                LOG.debug("Redis at {} still unreachable: {}", where(), rootMessage(error));
                retryLater();
            } else if (closed) {
                established.closeAsync();
            } else {
                connection = established;
                LOG.info("connected to Redis at {} after {} attempts: shared state is used from now on", where(), attempts.get());
            }
        });
    }

    private String where() {
        return uri.getHost() + ":" + uri.getPort();
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void close() {
        if (client == null) {
            return;
        }
        closed = true;
        if (connection != null) {
            connection.close();
        }
        client.shutdown();
    }
}
