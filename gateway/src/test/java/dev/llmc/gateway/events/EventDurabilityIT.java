package dev.llmc.gateway.events;

import dev.llmc.gateway.config.EmbeddedConfig;
import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.storage.EmbeddedRedisServer;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.model.encoder.ConversationEncoder;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stops PostgreSQL (and for a while Redis too) in the middle of several thousand chat requests with feedback,
 * starts them again, and checks that every exposure and every signal arrived exactly once.
 */
@MicronautTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EventDurabilityIT extends EmbeddedGatewayTest {
    private static final int REQUESTS = 3000;
    private static final int STOP_POSTGRES_AT = 800;
    private static final int STOP_REDIS_AT = 1500;
    private static final int START_REDIS_AT = 1900;
    private static final int START_POSTGRES_AT = 2300;
    private final FakeExpertNode node = fakeNode("general");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    @Inject
    EmbeddedConfig embedded;
    @Inject
    EmbeddedPostgresServer postgres;
    @Inject
    EmbeddedRedisServer redis;
    @Inject
    ConversationEncoder encoder;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.events.flush-interval", "50ms", "llmc.events.retry-interval", "500ms");
    }

    @BeforeAll
    void registerExpert() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
    }

    @Test
    void everyExposureAndSignalArrivesExactlyOnceAcrossPostgresAndRedisOutages() throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            for (int phaseEnd : new int[] {STOP_POSTGRES_AT, STOP_REDIS_AT, START_REDIS_AT, START_POSTGRES_AT, REQUESTS}) {
                Future<?>[] running = new Future<?>[4];
                for (int t = 0; t < running.length; t++) {
                    running[t] = clients.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < phaseEnd) {
                            if (!chatAndRate(i)) {
                                failures.incrementAndGet();
                            }
                        }
                        next.decrementAndGet();
                    });
                }
                for (Future<?> future : running) {
                    future.get();
                }
                next.set(phaseEnd);
                switch (phaseEnd) {
                    case STOP_POSTGRES_AT -> pgCtl("-m", "immediate", "stop");
                    case STOP_REDIS_AT -> redisServer().stop();
                    case START_REDIS_AT -> redisServer().start();
                    case START_POSTGRES_AT -> pgCtl("-o", "-p " + postgresPort() + " -F", "-l",
                            Path.of(embedded.dataDir(), "postgres-restart.log").toString(), "start");
                    default -> {
                    }
                }
                if (phaseEnd == STOP_POSTGRES_AT) {
                    // While its exposure is only buffered, an unknown message is still unknown.
                    assertEquals(404, http().post("/feedback", "{\"message_id\": \"msg_unknown\", \"type\": \"retry\"}").status());
                }
            }
        }
        assertEquals(0, failures.get(), "every request and feedback was answered while the stores were down");

        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        log.awaitDrained(Duration.ofSeconds(120));
        assertEquals(REQUESTS, log.count("select count(*) from exposures where user_id like 'dur-%'"));
        assertEquals(REQUESTS, log.count("select count(distinct message_id) from exposures where user_id like 'dur-%'"));
        // Through the Redis buffer and the disk spool too, each exposure keeps the encoder of its e(C).
        assertEquals(REQUESTS, log.count("select count(*) from exposures where user_id like 'dur-%' and encoder = ?",
                encoder.encoderId()));
        assertEquals(REQUESTS, log.count("select count(*) from signals s join exposures e using (message_id) "
                + "where e.user_id like 'dur-%' and s.type = 'rating' and s.value = 1 + (e.turn % 5)"));
        assertEquals(REQUESTS, log.count("select count(*) from signals s join exposures e using (message_id) where e.user_id like 'dur-%'"));
    }

    /** One chat turn and a rating for it (every seventh rating sent twice); false if either was refused. */
    private boolean chatAndRate(int i) {
        Reply chat = http().post("/chat", """
                {"user_id": "dur-%d", "conversation_id": "dur-c%d", "messages": [%s]}"""
                .formatted(i % 97, i, "{\"role\": \"user\", \"content\": \"question\"},".repeat(i % 5) + "{\"role\": \"user\", \"content\": \"question " + i + "\"}"));
        if (chat.status() != 200) {
            return false;
        }
        String rating = "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}"
                .formatted(chat.json().get("message_id").asText(), 1 + ((i % 5) + 1) % 5);
        boolean ok = http().post("/feedback", rating).status() == 202;
        if (i % 7 == 0) {
            ok &= http().post("/feedback", rating).status() == 202;
        }
        return ok;
    }

    private int postgresPort() {
        return URI.create(postgres.jdbcUrl().substring("jdbc:".length())).getPort();
    }

    private RedisServer redisServer() throws ReflectiveOperationException {
        var field = EmbeddedRedisServer.class.getDeclaredField("redis");
        field.setAccessible(true);
        return (RedisServer) field.get(redis);
    }

    /** Runs zonky's own pg_ctl on the embedded data directory: the closest thing to an operator stopping the server. */
    private void pgCtl(String... arguments) throws IOException, InterruptedException {
        Path pgCtl;
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"))) {
            pgCtl = dirs.map(dir -> dir.resolve("bin/pg_ctl")).filter(Files::isExecutable).findFirst().orElseThrow();
        }
        // As zonky does: in a user namespace, because PostgreSQL refuses to run as root.
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("unshare", "-U", pgCtl.toString(), "-D",
                Path.of(embedded.dataDir(), "postgres").toAbsolutePath().toString(), "-w"));
        command.addAll(java.util.List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), "pg_ctl " + String.join(" ", arguments) + ": " + output);
    }
}
