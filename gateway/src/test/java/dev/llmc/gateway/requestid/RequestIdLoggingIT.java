package dev.llmc.gateway.requestid;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The request id is in the MDC of every log line of its request, whichever thread writes it. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestIdLoggingIT extends EmbeddedGatewayTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.test.log-probe", "true");
    }

    @BeforeAll
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(LogProbeController.class)).addAppender(logs);
    }

    @AfterAll
    void stopCapturing() {
        ((Logger) LoggerFactory.getLogger(LogProbeController.class)).detachAppender(logs);
    }

    private String loggedRequestId(String path, String requestId) {
        logs.list.clear();
        Reply reply = http().send(http().request(path, ADMIN_KEY).header("X-Request-Id", requestId).GET());
        assertEquals(200, reply.status(), reply.body());
        assertEquals(requestId, reply.header("X-Request-Id").orElseThrow());
        List<ILoggingEvent> events = List.copyOf(logs.list);
        assertFalse(events.isEmpty(), "the probe logged nothing");
        return events.getFirst().getMDCPropertyMap().get("request_id");
    }

    @Test
    void logLinesOnBlockingThreadsCarryTheRequestId() {
        assertEquals("probe-blocking-1", loggedRequestId("/test/log-probe/blocking", "probe-blocking-1"));
    }

    @Test
    void logLinesOnThreadsTheRequestHandsWorkToCarryTheRequestId() {
        assertEquals("probe-async-1", loggedRequestId("/test/log-probe/async", "probe-async-1"));
    }

    @Test
    void eachRequestLogsItsOwnId() {
        loggedRequestId("/test/log-probe/blocking", "first");

        assertEquals("second", loggedRequestId("/test/log-probe/blocking", "second"));
    }
}
