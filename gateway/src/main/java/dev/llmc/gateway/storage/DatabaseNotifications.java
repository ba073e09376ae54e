package dev.llmc.gateway.storage;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * PostgreSQL LISTEN/NOTIFY for state every replica caches in memory (experts, API keys): one dedicated connection
 * outside the pool, a thread that waits for notifications and runs the subscribers of each channel. After every
 * (re)connection all subscribers run once, because notifications sent while disconnected are lost.
 */
@Singleton
public final class DatabaseNotifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseNotifications.class);
    private static final int WAIT_MILLIS = 250;
    private static final long RECONNECT_MILLIS = 1000;
    private final HikariDataSource dataSource;
    private final Map<String, List<Runnable>> subscribers = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean running = true;
    private volatile Connection connection;

    DatabaseNotifications(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.listener = Thread.ofPlatform().daemon().name("llmc-db-notifications").start(this::listen);
    }

    /** Runs {@code onChange} (on the listener thread) after every notification on {@code channel}. */
    public void subscribe(String channel, Runnable onChange) {
        if (!channel.matches("[a-z_]+")) {
            throw new IllegalArgumentException("channel names are lower-case identifiers: " + channel);
        }
        subscribers.computeIfAbsent(channel, name -> new CopyOnWriteArrayList<>()).add(onChange);
    }

    private void listen() {
        Set<String> listening = new HashSet<>();
        while (running) {
            try {
                if (connection == null) {
                    connection = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
                    listening.clear();
                }
                if (listening.size() < subscribers.size()) {
                    listenToNewChannels(listening);
                }
                PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                if (notifications != null) {
                    Set<String> changed = new HashSet<>();
                    for (PGNotification notification : notifications) {
                        changed.add(notification.getName());
                    }
                    changed.forEach(this::notifySubscribers);
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("lost the database notification connection, reconnecting in {} ms: {}", RECONNECT_MILLIS, e.getMessage());
                    closeConnection();
                    sleep();
                }
            }
        }
    }

    private void listenToNewChannels(Set<String> listening) throws SQLException {
        Set<String> added = new HashSet<>();
        try (Statement statement = connection.createStatement()) {
            for (String channel : subscribers.keySet()) {
                if (!listening.contains(channel)) {
                    statement.execute("listen " + channel);
                    added.add(channel);
                }
            }
        }
        listening.addAll(added);
        // Anything may have changed before this LISTEN started (or while the connection was down).
        added.forEach(this::notifySubscribers);
    }

    private void notifySubscribers(String channel) {
        for (Runnable subscriber : subscribers.getOrDefault(channel, List.of())) {
            try {
                subscriber.run();
            } catch (RuntimeException e) {
                LOG.warn("handling a change on {} failed: {}", channel, e.getMessage());
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void closeConnection() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                LOG.debug("closing the notification connection failed", e);
            }
        }
    }

    @Override
    @PreDestroy
    public void close() {
        running = false;
        try {
            listener.join(2 * WAIT_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
