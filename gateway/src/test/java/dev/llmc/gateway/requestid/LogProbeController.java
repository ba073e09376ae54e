package dev.llmc.gateway.requestid;

import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.inject.Named;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/** Logs from the threads a request can run on: a blocking worker, and a thread of Micronaut's I/O executor it hands work to. */
@Controller("/test/log-probe")
@Requires(property = "llmc.test.log-probe", value = "true")
@RequiresRole(Caller.Role.APP)
final class LogProbeController {
    static final Logger LOG = LoggerFactory.getLogger(LogProbeController.class);
    private final ExecutorService elsewhere;

    LogProbeController(@Named(TaskExecutors.IO) ExecutorService elsewhere) {
        this.elsewhere = elsewhere;
    }

    @Get("/blocking")
    @ExecuteOn(TaskExecutors.BLOCKING)
    String blocking() {
        LOG.info("probe on a blocking thread");
        return "ok";
    }

    @Get("/async")
    CompletableFuture<String> async() {
        return CompletableFuture.supplyAsync(() -> {
            LOG.info("probe on another thread");
            return "ok";
        }, elsewhere);
    }
}
