package dev.llmc.gateway.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.config.UpstreamConfig;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Gets a reply started from the first expert in ranking order that can give one. A node that fails before its first
 * byte (refused, timed out, 5xx, 429, malformed) is retried once on another node of the same expert, then the next
 * expert is tried (a fallback); each is logged and counted in {@code llmc.fallbacks{kind=retry|fallback}}. A node that
 * answers 401, 403 or 404 refuses its expert's configuration: that expert's node (only it, not others on the same
 * server) leaves rotation until a health check passes, and the turn moves on the same way. A node's other 4xx is about
 * the request: no other node or expert is asked, and the caller gets it ({@link UpstreamException.Kind#REJECTED}).
 * Once the first byte has arrived the reply belongs to that node: a later failure ends the stream with an error
 * ({@link UpstreamException.Kind#BROKEN}) for the caller to report. Every attempt is timed in
 * {@code llmc.upstream.latency{expert,outcome}} and reported to the node's circuit breaker.
 */
@Singleton
public final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
    private final NodeHealth health;
    private final NodeClient client;
    private final MeterRegistry meters;
    private final Counter retries;
    private final Counter fallbacks;
    private final Duration firstItemLimit;
    // Building a timer's id and looking it up in the registry per call costs more than recording into it.
    private final Map<LatencyKey, Timer> latencyTimers = new ConcurrentHashMap<>();

    Failover(NodeHealth health, NodeClient client, MeterRegistry meters, UpstreamConfig config) {
        this.health = health;
        this.client = client;
        this.meters = meters;
        this.retries = fallbackCounter(meters, "retry");
        this.fallbacks = fallbackCounter(meters, "fallback");
        // The calls time themselves out; this only guards against a reactive pipeline that never signals.
        this.firstItemLimit = config.totalTimeout().plusSeconds(5);
    }

    private static Counter fallbackCounter(MeterRegistry meters, String kind) {
        return Counter.builder("llmc.fallbacks").description("node failures before the first byte: retried on another "
                + "node of the same expert (retry) or passed to the next expert in the ranking (fallback)")
                .tag("kind", kind).register(meters);
    }

    /**
     * A reply under way: which candidate (index into the ranking) answered, its first item (the whole completion, or the
     * first stream chunk), the rest of the stream, and the time spent waiting on nodes until that first item (every
     * attempt, failed ones included).
     */
    public static final class Opened {
        private final int rank;
        private final Expert expert;
        private final ObjectNode first;
        private final Flux<ObjectNode> rest;
        private final long waitedNanos;

        Opened(int rank, Expert expert, ObjectNode first, Flux<ObjectNode> rest, long waitedNanos) {
            this.rank = rank;
            this.expert = expert;
            this.first = first;
            this.rest = rest;
            this.waitedNanos = waitedNanos;
        }

        public int rank() {
            return rank;
        }

        public Expert expert() {
            return expert;
        }

        public ObjectNode first() {
            return first;
        }

        /** The items after the first; fails with a BROKEN {@link UpstreamException} if the node breaks off. */
        public Flux<ObjectNode> rest() {
            return rest;
        }

        /** Nanoseconds spent waiting on nodes until the first item: the whole reply when not streamed. */
        public long waitedNanos() {
            return waitedNanos;
        }
    }

    /**
     * A non-streaming completion from the first candidate that answers; an {@link UpstreamException} (UNAVAILABLE)
     * when none does. Nothing here blocks: the reply arrives on the event loop that carries the node's connection.
     */
    public Mono<Opened> complete(List<Expert> candidates, ObjectNode request, String messageId) {
        return new Search(candidates, request, messageId, (node, body) -> client.complete(node, body).flux(), true).from(0, 0);
    }

    /** A stream from the first candidate that sends its first chunk; an {@link UpstreamException} when none does. */
    public Mono<Opened> stream(List<Expert> candidates, ObjectNode request, String messageId) {
        return new Search(candidates, request, messageId, client::stream, false).from(0, 0);
    }

    /**
     * One turn's way down the ranking: each expert gets an attempt and, on failure, one retry on another of its nodes.
     * {@code single}: the call answers with one item, which counts as the reply only once the call has completed, so
     * the breaker's verdict and the upstream time are recorded before the caller moves on with it.
     */
    private final class Search {
        private final List<Expert> candidates;
        private final ObjectNode request;
        private final String messageId;
        private final BiFunction<ExpertNode, ObjectNode, Flux<ObjectNode>> call;
        private final boolean single;
        // With the nodes' addresses, for the log; the caller's error names experts and failure kinds only.
        private final List<String> failures = new ArrayList<>();
        private final List<String> publicFailures = new ArrayList<>();
        private final AtomicLong upstreamNanos = new AtomicLong();
        private final Set<Integer> tried = new HashSet<>();

        Search(List<Expert> candidates, ObjectNode request, String messageId,
               BiFunction<ExpertNode, ObjectNode, Flux<ObjectNode>> call, boolean single) {
            this.candidates = candidates;
            this.request = request;
            this.messageId = messageId;
            this.call = call;
            this.single = single;
        }

        /** Attempt {@code attempt} (0 or 1) on the expert at {@code rank}, then the ones after it until one answers. */
        Mono<Opened> from(int rank, int attempt) {
            return Mono.defer(() -> {
                if (rank == candidates.size()) {
                    LOG.warn("message {}: no expert node answered: {}", messageId, failures);
                    return Mono.error(new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
                            "no expert node answered (" + String.join("; ", publicFailures) + ")", null));
                }
                Expert expert = candidates.get(rank);
                if (attempt == 0) {
                    tried.clear();
                    if (rank > 0) {
                        fallbacks.increment();
                        LOG.warn("message {}: fallback to expert {} (rank {}) after: {}", messageId, expert.name(), rank + 1, failures);
                    }
                }
                Optional<NodeHealth.Lease> lease = health.lease(expert, tried);
                if (lease.isEmpty()) {
                    String failure = expert.name() + ": " + (attempt == 0 ? "no available node" : "no other node to retry on");
                    failures.add(failure);
                    publicFailures.add(failure);
                    return from(rank + 1, 0);
                }
                ExpertNode node = lease.get().node();
                if (attempt > 0) {
                    retries.increment();
                    LOG.warn("message {}: retry of expert {} on node {} ({}) after: {}", messageId, expert.name(),
                            lease.get().index(), node.baseUrl(), failures.getLast());
                }
                int index = lease.get().index();
                tried.add(index);
                return attempt(expert, lease.get(), call.apply(node, request))
                        .map(started -> new Opened(rank, expert, started.first(), started.rest(),
                                upstreamNanos.get() + started.unfinishedNanos()))
                        .onErrorResume(UpstreamException.class, e -> {
                            if (e.kind() == UpstreamException.Kind.REJECTED) {
                                LOG.info("message {}: expert {} node {} ({}) rejected the request: {}", messageId,
                                        expert.name(), index, node.baseUrl(), e.getMessage());
                                return Mono.error(new UpstreamException(UpstreamException.Kind.REJECTED,
                                        "expert '" + expert.name() + "' rejected the request (" + e.status() + "): "
                                                + e.reason(), e, e.status(), e.reason()));
                            }
                            if (e.kind() == UpstreamException.Kind.MISCONFIGURED) {
                                LOG.warn("message {}: expert {} node {} ({}, model {}) refuses the expert's configuration "
                                        + "(API key, model or URL): {}; out of this expert's rotation until a health check "
                                        + "passes", messageId, expert.name(), index, node.baseUrl(), node.model(), e.getMessage());
                            }
                            failures.add(expert.name() + " node " + index + ": " + e.getMessage());
                            publicFailures.add(expert.name() + " node " + index + ": " + e.kind().tag()
                                    + (e.status() > 0 ? " " + e.status() : ""));
                            return attempt == 0 ? from(rank, 1) : from(rank + 1, 0);
                        });
            });
        }

        private Mono<Started> attempt(Expert expert, NodeHealth.Lease lease, Flux<ObjectNode> reply) {
            Attempt timing = new Attempt(expert, lease, System.nanoTime(), upstreamNanos);
            CompletableFuture<ObjectNode> first = new CompletableFuture<>();
            AtomicReference<ObjectNode> only = new AtomicReference<>();
            // After the first item a stream is read as the caller's subscriber asks for more (rest's requests go to the
            // node's stream), so a slow reader holds the node back instead of the rest piling up here.
            Sinks.Many<ObjectNode> rest = Sinks.many().unicast().onBackpressureBuffer();
            BaseSubscriber<ObjectNode> subscription = reply
                    .doOnCancel(() -> timing.finish("cancelled"))
                    .subscribeWith(new Reader(single, item -> {
                        if (single) {
                            only.set(item);
                        } else if (!first.complete(item)) {
                            rest.tryEmitNext(item);
                        }
                    }, error -> {
                        boolean beforeFirstByte = !first.isDone();
                        if (!(error instanceof UpstreamException upstream) || countsAgainstNode(upstream)) {
                            lease.failed();
                        }
                        if (error instanceof UpstreamException upstream && leavesRotation(upstream)) {
                            lease.outOfRotation();
                        }
                        String outcome = beforeFirstByte && error instanceof UpstreamException upstream ? upstream.kind().tag()
                                : UpstreamException.Kind.BROKEN.tag();
                        timing.finish(outcome);
                        if (!first.completeExceptionally(error)) {
                            rest.tryEmitError(error instanceof UpstreamException upstream && upstream.kind() == UpstreamException.Kind.BROKEN
                                    ? error : new UpstreamException(UpstreamException.Kind.BROKEN,
                                    "the expert's node broke off its reply: " + error.getMessage(), error));
                        }
                    }, () -> {
                        lease.succeeded();
                        timing.finish("success");
                        if (only.get() != null) {
                            first.complete(only.get());
                        } else if (!first.completeExceptionally(new UpstreamException(UpstreamException.Kind.MALFORMED,
                                lease.node().baseUrl() + " sent an empty reply", null))) {
                            rest.tryEmitComplete();
                        }
                    }));
            return Mono.fromFuture(first)
                    .timeout(firstItemLimit)
                    .onErrorMap(TimeoutException.class, e -> {
                        subscription.dispose();
                        return new UpstreamException(UpstreamException.Kind.TIMEOUT, lease.node().baseUrl() + " never signalled", e);
                    })
                    // A Mono's subscriber may cancel once it has the item; from then on the rest's subscriber owns the call.
                    .doOnCancel(() -> {
                        if (!first.isDone()) {
                            subscription.dispose();
                        }
                    })
                    .map(item -> new Started(item, rest.asFlux().doOnRequest(subscription::request).doOnCancel(subscription::dispose),
                            timing.unfinishedNanos()));
        }
    }

    /** Takes a reply's first item at once (a whole completion: everything), then only what is requested of the rest. */
    private static final class Reader extends BaseSubscriber<ObjectNode> {
        private final boolean single;
        private final Consumer<ObjectNode> onItem;
        private final Consumer<Throwable> onError;
        private final Runnable onComplete;

        Reader(boolean single, Consumer<ObjectNode> onItem, Consumer<Throwable> onError, Runnable onComplete) {
            this.single = single;
            this.onItem = onItem;
            this.onError = onError;
            this.onComplete = onComplete;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(single ? Long.MAX_VALUE : 1);
        }

        @Override
        protected void hookOnNext(ObjectNode item) {
            onItem.accept(item);
        }

        @Override
        protected void hookOnError(Throwable error) {
            onError.accept(error);
        }

        @Override
        protected void hookOnComplete() {
            onComplete.run();
        }
    }

    /**
     * The first item and the rest of one attempt, once its first item has arrived, and the attempt's time so far if it
     * is still streaming (an ended attempt's time is in the call's upstream total already).
     */
    private record Started(ObjectNode first, Flux<ObjectNode> rest, long unfinishedNanos) {
    }

    /** A rejected request (a 4xx about the request) says nothing about the node's health; every other failure does. */
    private static boolean countsAgainstNode(UpstreamException e) {
        return e.kind() != UpstreamException.Kind.REJECTED;
    }

    /** A node that cannot be reached, or refuses its expert's configuration, waits for a health check to return. */
    private static boolean leavesRotation(UpstreamException e) {
        return e.kind() == UpstreamException.Kind.REFUSED || e.kind() == UpstreamException.Kind.MISCONFIGURED;
    }

    /** One call to one node, ended exactly once (success, failure or cancellation). */
    private final class Attempt {
        private final Expert expert;
        private final NodeHealth.Lease lease;
        private final long start;
        private final AtomicLong upstreamNanos;
        private final AtomicBoolean finished = new AtomicBoolean();

        Attempt(Expert expert, NodeHealth.Lease lease, long start, AtomicLong upstreamNanos) {
            this.expert = expert;
            this.lease = lease;
            this.start = start;
            this.upstreamNanos = upstreamNanos;
        }

        long unfinishedNanos() {
            return finished.get() ? 0 : System.nanoTime() - start;
        }

        void finish(String outcome) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            long elapsed = System.nanoTime() - start;
            upstreamNanos.addAndGet(elapsed);
            lease.close();
            latencyTimers.computeIfAbsent(new LatencyKey(expert.name(), outcome), key -> Timer.builder("llmc.upstream.latency")
                    .description("time from calling an expert node to the end of its reply")
                    .tags("expert", key.expert(), "outcome", key.outcome()).register(meters))
                    .record(elapsed, TimeUnit.NANOSECONDS);
        }
    }

    /** One {@code llmc.upstream.latency} series: experts times outcomes, a bounded set. */
    private record LatencyKey(String expert, String outcome) {
    }
}
