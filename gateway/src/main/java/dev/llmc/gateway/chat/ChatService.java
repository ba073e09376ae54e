package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.gateway.api.ServedTurn;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.gateway.config.ExplorationConfig;
import dev.llmc.gateway.events.EventLogUnavailableException;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.events.MessageLedger;
import dev.llmc.gateway.experiments.Assignment;
import dev.llmc.gateway.experiments.ExperimentService;
import dev.llmc.gateway.feedback.FeedbackService;
import dev.llmc.gateway.proxy.Failover;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.gateway.ratelimit.RateLimiter;
import dev.llmc.gateway.ratelimit.TokenReservation;
import dev.llmc.gateway.routing.ExpertRouter;
import dev.llmc.gateway.routing.RankedExpert;
import dev.llmc.gateway.routing.RoutePlan;
import dev.llmc.gateway.routing.RoutingDecision;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.registry.Expert;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves one conversation turn: reserve the caller's tokens (refused with 429 while its tokens-per-minute bucket is
 * empty), assign the unit to an experiment arm, route by the arm's plan (or the active controller), call the chosen
 * expert (retrying and falling back down the ranking through {@link Failover}), log the exposure, and settle the
 * reservation with the tokens the turn used ({@link TurnUsage}). Times streams' time to first token in
 * {@code llmc.stream.time_to_first_token}, and tells the metrics filter how long a turn waited on the encoder and nodes
 * (its {@code llmc.gateway.overhead} excludes that).
 */
@Singleton
final class ChatService {
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ExpertRouter router;
    private final Failover failover;
    private final ExperimentService experiments;
    private final EventPipeline events;
    private final MessageLedger ledger;
    private final FeedbackService feedback;
    private final RateLimiter limiter;
    private final Timer timeToFirstToken;
    private final Scheduler blocking;
    private final RoutePlan outsideExperiments;

    ChatService(ExpertRouter router, Failover failover, ExperimentService experiments, EventPipeline events,
                MessageLedger ledger, FeedbackService feedback, RateLimiter limiter, ExplorationConfig exploration,
                MeterRegistry meters,
                @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.outsideExperiments = RoutePlan.outsideExperiments(exploration);
        this.blocking = Schedulers.fromExecutorService(blocking, TaskExecutors.BLOCKING);
        this.router = router;
        this.failover = failover;
        this.experiments = experiments;
        this.events = events;
        this.ledger = ledger;
        this.feedback = feedback;
        this.limiter = limiter;
        this.timeToFirstToken = Timer.builder("llmc.stream.time_to_first_token")
                .description("time from receiving a streamed chat turn to the expert node's first chunk")
                .publishPercentileHistogram().register(meters);
    }

    /**
     * Serves the turn without streaming: the first expert (down the ranking) whose node answers. A pinned turn runs
     * on the calling event loop throughout; see {@link #turn} for the others.
     */
    Mono<ChatResult> complete(ChatTurnRequest request) {
        TurnUsage usage = new TurnUsage(request.conversation());
        return reserve(request, usage).flatMap(reservation -> turn(request)
                .flatMap(turn -> reply(turn, failover.complete(experts(turn), request.upstreamRequest(), turn.messageId))
                        .map(opened -> {
                            turn.finish(opened);
                            ServedTurn.record(opened.expert().name(), turn.waitedNanos(opened));
                            // Settled before the reply leaves: the caller's next request finds the charge in place.
                            usage.countCompletion(opened.first());
                            reservation.settle(usage.used());
                            return new ChatResult(turn.messageId, opened.expert(), opened.first());
                        }))
                // No reply, nothing used; a caller who hung up had its prompt sent to the node.
                .doOnError(error -> reservation.settle(0))
                .doOnCancel(() -> reservation.settle(usage.used())));
    }

    /**
     * Serves the turn as a stream of OpenAI chunks from the first expert whose node starts one. The node is always asked
     * for its usage chunk (to charge the key); a caller who did not ask for usage does not get it. The exposure is
     * logged, and the key charged, when the stream ends (completed, broken off or abandoned by the caller), before the
     * caller sees its end.
     */
    Mono<StreamedTurn> stream(ChatTurnRequest request) {
        TurnUsage usage = new TurnUsage(request.conversation());
        boolean callerAskedForUsage = request.upstreamRequest().path("stream_options").path("include_usage").asBoolean(false);
        ObjectNode upstream = askingForUsage(request.upstreamRequest());
        AtomicBoolean opened = new AtomicBoolean();
        return reserve(request, usage).flatMap(reservation -> turn(request)
                .flatMap(turn -> reply(turn, streamFrom(turn, request.upstreamRequest(), upstream))
                        .map(started -> {
                            opened.set(true);
                            timeToFirstToken.record(System.nanoTime() - turn.start, TimeUnit.NANOSECONDS);
                            ServedTurn.record(started.expert().name(), turn.waitedNanos(started));
                            AtomicBoolean finished = new AtomicBoolean();
                            Runnable finish = () -> {
                                if (finished.compareAndSet(false, true)) {
                                    turn.finish(started);
                                    reservation.settle(usage.used());
                                }
                            };
                            Flux<ObjectNode> chunks = Flux.concat(Mono.just(started.first()), started.rest())
                                    .doOnNext(usage::countChunk)
                                    .doOnTerminate(finish)
                                    .doOnCancel(finish);
                            return new StreamedTurn(turn.messageId, started.expert(),
                                    callerAskedForUsage ? chunks : chunks.handle(ChatService::withoutUsage));
                        }))
                // Before the stream opened: no reply, nothing used; a caller who hung up had its prompt sent to the node.
                // (A Mono's subscriber may cancel once it has the stream, which then settles itself.)
                .doOnError(error -> reservation.settle(0))
                .doOnCancel(() -> {
                    if (!opened.get()) {
                        reservation.settle(usage.used());
                    }
                }));
    }

    /**
     * The caller's tokens reserved on admission, before any routing work: refused with 429 while its bucket is empty.
     * Unlimited keys and local buckets answer at once. Redis answers on its client's only I/O thread, which must stay
     * free for other requests' replies (they time out after 200 ms and fail open): the turn goes on on a blocking thread.
     */
    private Mono<TokenReservation> reserve(ChatTurnRequest request, TurnUsage usage) {
        CompletableFuture<TokenReservation> reserved = limiter.reserve(request.caller(), usage.promptEstimate(),
                TurnUsage.maxCompletionTokens(request.upstreamRequest())).toCompletableFuture();
        return reserved.isDone() ? Mono.fromFuture(reserved) : Mono.fromFuture(reserved).publishOn(blocking);
    }

    /**
     * Opens the stream with the node's copy of the request; a node that rejects it (a 4xx: servers that predate
     * {@code stream_options} refuse the unknown field) is asked again exactly as the caller asked, and the turn is then
     * charged its estimate. A request the node rejects either way gets the node's status, as without the gateway.
     */
    private Mono<Failover.Opened> streamFrom(Turn turn, ObjectNode asked, ObjectNode upstream) {
        Mono<Failover.Opened> opened = failover.stream(experts(turn), upstream, turn.messageId);
        if (upstream == asked) {
            return opened;
        }
        return opened.onErrorResume(error -> error instanceof UpstreamException rejected
                        && rejected.kind() == UpstreamException.Kind.REJECTED,
                error -> {
                    LOG.info("message {}: a node rejected the stream with stream_options added ({}); asking as the caller did",
                            turn.messageId, error.getMessage());
                    return failover.stream(experts(turn), asked, turn.messageId);
                });
    }

    /** The node's copy of a streamed request, with {@code stream_options.include_usage} set (the caller's other options kept). */
    private static ObjectNode askingForUsage(ObjectNode request) {
        JsonNode options = request.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            // Not an object: the node's to refuse, as it would without the gateway.
            return request;
        }
        ObjectNode askingOptions = options instanceof ObjectNode given ? given.deepCopy() : request.objectNode();
        askingOptions.put("include_usage", true);
        ObjectNode asking = request.objectNode().setAll(request);
        asking.set("stream_options", askingOptions);
        return asking;
    }

    /** A chunk as a caller who did not ask for usage gets it: without {@code usage}, and no chunk that only carried it. */
    private static void withoutUsage(ObjectNode chunk, SynchronousSink<ObjectNode> sink) {
        JsonNode usage = chunk.remove("usage");
        if (usage == null || usage.isNull() || !chunk.path("choices").isEmpty()) {
            sink.next(chunk);
        }
    }

    /**
     * The turn, routed. A pinned expert is looked up in memory, so a pinned turn is routed on the calling thread (the
     * server's event loop); any other encodes the conversation and may read Redis (experiment assignment,
     * stickiness, the message ledger for a regenerate), so it is routed on a blocking thread.
     */
    private Mono<Turn> turn(ChatTurnRequest request) {
        Mono<Turn> turn = Mono.fromCallable(() -> new Turn(request));
        return request.pinnedExpert() != null && !request.regenerate() ? turn : turn.subscribeOn(blocking);
    }

    /**
     * The reply the failover opened; a request the expert's node rejected (a 4xx about the request) as that status,
     * any other failure as 502. A regenerate's reply moves to a blocking thread, where finishing the turn claims the
     * retry in the message ledger.
     */
    private Mono<Failover.Opened> reply(Turn turn, Mono<Failover.Opened> opened) {
        return turn.replaced == null ? opened : opened.publishOn(blocking);
    }

    /** A turn being served: its id, start time, experiment assignment, routing decision and the reply it replaces. */
    private final class Turn {
        final long start = System.nanoTime();
        final String messageId = newId("msg_");
        final ChatTurnRequest request;
        final String replaced;
        final Optional<Assignment> assignment;
        final RoutingDecision decision;

        Turn(ChatTurnRequest request) {
            this.request = request;
            this.replaced = request.regenerate() ? replacedMessage(request.ownedConversation(), userTurns(request.conversation())) : null;
            // A caller who names an expert is outside experiments: the arm's treatment could not apply anyway.
            this.assignment = request.pinnedExpert() == null
                    ? experiments.assign(request.user(), request.ownedConversation()) : Optional.empty();
            RoutePlan plan = request.pinnedExpert() != null ? RoutePlan.pinned(request.pinnedExpert())
                    : assignment.map(Assignment::plan).orElse(outsideExperiments);
            this.decision = router.route(request.ownedConversation().key(), request.conversation(), plan);
        }

        /** Time spent waiting on the encoder and the expert nodes until the reply opened: not the gateway's own overhead. */
        long waitedNanos(Failover.Opened opened) {
            return decision.encoderNanos() + opened.waitedNanos();
        }

        /** Logs the exposure. */
        void finish(Failover.Opened opened) {
            long total = System.nanoTime() - start;
            RankedExpert candidate = decision.candidates().get(opened.rank());
            // A fallback was not the policy's choice: its propensity is unknown (NaN), so off-policy estimates skip it.
            double propensity = opened.rank() == 0 ? decision.propensity() : Double.NaN;
            events.record(new Exposure(messageId, request.owner(), request.userId(), request.conversationId(), userTurns(request.conversation()),
                    assignment.map(a -> a.experiment().id()).orElse(null), assignment.map(a -> a.arm().name()).orElse(null),
                    decision.controllerVersion(), candidate.expert().id(), candidate.expert().name(), candidate.score(),
                    propensity, decision.embedding(), (int) Math.min(Integer.MAX_VALUE, total / 1_000_000), Instant.now(),
                    replaced, decision.policy(), decision.encoderId()));
            if (replaced != null) {
                if (Schedulers.isInNonBlockingThread()) {
                    // A stream ends on an event loop, which must not wait for Redis: the retry is claimed elsewhere.
                    blocking.schedule(() -> feedback.recordRetry(replaced));
                } else {
                    feedback.recordRetry(replaced);
                }
            }
        }
    }

    private static List<Expert> experts(Turn turn) {
        return turn.decision.candidates().stream().map(RankedExpert::expert).toList();
    }

    private String replacedMessage(OwnedId conversation, int turn) {
        try {
            return ledger.lastMessage(conversation, turn).orElseThrow(() -> new NothingToRegenerateException(conversation.id()));
        } catch (MessageLedger.LedgerUnavailableException e) {
            throw new EventLogUnavailableException("the reply to regenerate cannot be found right now; retry shortly", e);
        }
    }

    /** The turn number: how many user messages the conversation has, this one included. */
    private static int userTurns(List<ChatTurn> conversation) {
        int turns = 0;
        for (ChatTurn turn : conversation) {
            if (turn.role().equals("user")) {
                turns++;
            }
        }
        return turns;
    }

    /**
     * A prefixed id of 24 random characters (over 120 bits: message ids are unguessable). One {@code nextBytes} per id,
     * not one {@code nextInt} per character: each call to the default SecureRandom takes a lock and runs a digest,
     * which made ids a visible share of the request path's CPU time ({@code ./llmc bench gateway}).
     */
    static String newId(String prefix) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        StringBuilder id = new StringBuilder(prefix.length() + random.length).append(prefix);
        for (byte b : random) {
            // 256 % 36 = 4: the alphabet's first four characters are 8/7 as likely as the rest (under 0.1 bit less per character).
            id.append(ID_ALPHABET.charAt((b & 0xff) % ID_ALPHABET.length()));
        }
        return id.toString();
    }
}
