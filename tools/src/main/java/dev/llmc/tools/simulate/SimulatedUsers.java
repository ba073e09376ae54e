package dev.llmc.tools.simulate;

import com.google.gson.JsonArray;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.tools.ProgressBar;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Simulated users chatting through the gateway's {@code /chat} with training prompts and reacting through
 * {@code /feedback} by the {@link ReactionModel}, from the true label of the expert that answered. Each conversation
 * draws its questions and reactions from its own seeded random stream, so the users are fixed by the seed (the
 * gateway's routing may still differ between runs).
 */
final class SimulatedUsers {
    private final GatewayClient gateway;
    private final String appKey;
    private final RoutingMatrix matrix;
    private final int[] trainPrompts;
    private final Map<String, Integer> columns;
    private final ReactionModel reactions;
    private final long seed;
    private final int concurrency;
    private final PrintStream err;

    /** What one batch of traffic did: replies served (regenerates included), label lost to the oracle, label gained. */
    record Outcome(int turns, double regret, double labelSum) {
    }

    SimulatedUsers(GatewayClient gateway, String appKey, RoutingMatrix matrix, int[] trainPrompts,
            Map<String, Integer> columns, ReactionModel reactions, long seed, int concurrency, PrintStream err) {
        this.gateway = gateway;
        this.appKey = appKey;
        this.matrix = matrix;
        this.trainPrompts = trainPrompts;
        this.columns = columns;
        this.reactions = reactions;
        this.seed = seed;
        this.concurrency = concurrency;
        this.err = err;
    }

    /**
     * Users {@code <phase>-u0 … u<users-1>} hold conversations (each user one at a time, users taking turns) until
     * {@code turns} replies have been served.
     */
    Outcome run(String phase, int users, int turns) {
        AtomicInteger budget = new AtomicInteger(turns);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger conversations = new AtomicInteger();
        DoubleAdder regret = new DoubleAdder();
        DoubleAdder labels = new DoubleAdder();
        ProgressBar bar = new ProgressBar(err, phase);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    while (budget.get() > 0) {
                        int index = conversations.getAndIncrement();
                        String user = phase + "-u" + (index % users);
                        SplittableRandom random = new SplittableRandom(seed ^ (phase.hashCode() * 0x9E3779B97F4A7C15L) ^ (index * 0xC2B2AE3D27D4EB4FL));
                        conversation(user, phase + "-c" + index, random, budget, (label, oracle) -> {
                            regret.add(oracle - label);
                            labels.add(label);
                            int done = served.incrementAndGet();
                            double seconds = (System.nanoTime() - started) / 1e9;
                            bar.update(done, turns, String.format(Locale.ROOT, "%.1f turns/s", done / Math.max(seconds, 1e-9)));
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
            bar.finish();
        }
        return new Outcome(served.get(), regret.sum(), labels.sum());
    }

    private interface TurnListener {
        void served(double label, double oracle);
    }

    private void conversation(String user, String conversationId, SplittableRandom random, AtomicInteger budget,
            TurnListener listener) {
        JsonArray messages = new JsonArray();
        for (int questions = 1; budget.getAndDecrement() > 0; questions++) {
            int prompt = trainPrompts[random.nextInt(trainPrompts.length)];
            messages.add(GatewayClient.message("user", matrix.prompts().get(prompt)));
            GatewayClient.Reply reply = gateway.chat(appKey, user, conversationId, messages, false);
            double label = react(reply, prompt, random, listener);
            if (reactions.retries(label, random) && budget.getAndDecrement() > 0) {
                reply = gateway.chat(appKey, user, conversationId, messages, true);
                label = react(reply, prompt, random, listener);
            }
            messages.add(GatewayClient.message("assistant", reply.text()));
            if (!reactions.continues(label, questions, random)) {
                gateway.feedback(appKey, reply.messageId(), "end", null);
                return;
            }
        }
    }

    /** Rates the reply from its expert's true label; returns the label. */
    private double react(GatewayClient.Reply reply, int prompt, SplittableRandom random, TurnListener listener) {
        Integer column = columns.get(reply.expert());
        if (column == null) {
            throw new IllegalStateException("the gateway answered with expert '" + reply.expert() + "', which the simulation did not register");
        }
        double label = matrix.label(prompt, column);
        gateway.feedback(appKey, reply.messageId(), "rating", reactions.rating(label, random));
        listener.served(label, oracle(prompt));
        return label;
    }

    private double oracle(int prompt) {
        double best = Double.NEGATIVE_INFINITY;
        for (int e = 0; e < matrix.expertCount(); e++) {
            best = Math.max(best, matrix.label(prompt, e));
        }
        return best;
    }
}
