package dev.llmc.gateway.metrics;

import dev.llmc.gateway.api.ServedTurn;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteInfo;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code llmc.requests}: a timer per route (the URI template, e.g. {@code /experts/{id}}, so ids do not explode the
 * series), method, status and expert (the one that answered a chat turn, {@code none} for other requests), measured
 * from the first filter to the response, errors included; and {@code llmc.gateway.overhead}: the same time of a served
 * chat turn (until its response, or its stream's start) less what the turn waited on the encoder and expert nodes.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class RequestMetricsFilter implements Ordered {
    private static final String START = "llmc.metrics.start";
    private final MeterRegistry meters;
    // Building a Timer's id and looking it up in the registry on every request was ~3% of the pinned path's CPU.
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Timer overhead;

    RequestMetricsFilter(MeterRegistry meters) {
        this.meters = meters;
        this.overhead = Timer.builder("llmc.gateway.overhead")
                .description("a chat turn's time in the gateway itself: from the first filter to the response (a stream's"
                        + " start), less encoding and waiting on expert nodes")
                .publishPercentileHistogram().register(meters);
    }

    @RequestFilter
    void start(HttpRequest<?> request) {
        request.setAttribute(START, System.nanoTime());
    }

    @ResponseFilter
    void record(HttpRequest<?> request, HttpResponse<?> response) {
        Long start = request.getAttribute(START, Long.class).orElse(null);
        if (start == null) {
            return;
        }
        String expert = ServedTurn.expert(request);
        TimerKey key = new TimerKey(route(request), request.getMethodName(), response.code(), expert == null ? "none" : expert);
        long elapsed = System.nanoTime() - start;
        timers.computeIfAbsent(key, this::timer).record(elapsed, TimeUnit.NANOSECONDS);
        ServedTurn.waitedNanos(request).ifPresent(waited -> overhead.record(Math.max(0, elapsed - waited), TimeUnit.NANOSECONDS));
    }

    /** One series per route template, method, status and expert: a bounded set, so the cache stays small. */
    private record TimerKey(String route, String method, int status, String expert) {
    }

    private Timer timer(TimerKey key) {
        return Timer.builder("llmc.requests")
                .description("Gateway requests by route template, method, status and answering expert")
                .tag("route", key.route())
                .tag("method", key.method())
                .tag("status", Integer.toString(key.status()))
                .tag("expert", key.expert())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120))
                .register(meters);
    }

    /** The matched route's template; {@code unmatched} for paths no route serves (their raw paths would be unbounded). */
    static String route(HttpRequest<?> request) {
        return RouteAttributes.getRouteInfo(request)
                .filter(UriRouteInfo.class::isInstance)
                .map(info -> ((UriRouteInfo<?, ?>) info).getUriMatchTemplate().toPathString())
                .orElse("unmatched");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.METRICS.order();
    }
}
