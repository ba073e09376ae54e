package dev.llmc.tools.bench;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.model.encoder.StaticSentenceEncoder;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Times {@link ConversationEncoder#encode} (formatting, tokenizing and embedding) of five-turn conversations with the
 * real encoders: latency on one thread (p50/p99/mean), then conversations per second on every core. Every
 * conversation is distinct (its last turn carries a counter), so nothing can be served from a cache.
 */
public final class EncoderBenchmark {

    private static final int WARM_UP = 50;
    /** At least this long too: a microsecond encoder needs thousands of calls before the JIT has compiled it. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final List<ChatTurn> CONVERSATION = List.of(
            new ChatTurn("user", "I'm baking a sandwich loaf this weekend with my stand mixer."),
            new ChatTurn("assistant", "Great choice! Use bread flour, about 65% hydration, and knead with the dough hook on low speed."),
            new ChatTurn("user", "How long should I knead the dough, and how do I know when it's ready?"),
            new ChatTurn("assistant", "Roughly 8 to 10 minutes. It is ready when it is smooth, springs back when poked and passes the windowpane test."),
            new ChatTurn("user", "Mine keeps tearing in the windowpane test after 10 minutes. Should I add more water or keep kneading?"));

    private EncoderBenchmark() {
    }

    /** {@code llmc-tools bench encoder}: each model in turn, on conversations cut to maxTokens. */
    static void run(List<EncoderModel> models, int maxTokens, int iterations, int threads, double seconds, PrintStream out) {
        MiniLmTokenizer tokenizer = MiniLmTokenizer.load();
        ConversationFormatter formatter = new ConversationFormatter(tokenizer, maxTokens);
        for (EncoderModel model : models) {
            try (SentenceEncoder sentenceEncoder = model == EncoderModel.STATIC
                    ? StaticSentenceEncoder.load(tokenizer, maxTokens)
                    : OnnxSentenceEncoder.load(tokenizer, maxTokens, threads)) {
                ConversationEncoder encoder = new ConversationEncoder(formatter, sentenceEncoder);
                int tokens = tokenizer.countTokens(formatter.format(conversation(0))) + 2;
                long counter = 0;
                long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
                for (int i = 0; i < WARM_UP || System.nanoTime() < warmUpEnd; i++) {
                    encoder.encode(conversation(++counter));
                }
                double[] micros = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    List<ChatTurn> turns = conversation(++counter);
                    long start = System.nanoTime();
                    encoder.encode(turns);
                    micros[i] = (System.nanoTime() - start) / 1e3;
                }
                Arrays.sort(micros);
                double rate = throughput(encoder, seconds);
                out.printf("%s: encode %d-turn conversation (%d tokens), one thread: p50=%.1f µs p99=%.1f µs mean=%.1f µs"
                                + " (n=%d); all %d cores: %.0f conversations/s%n",
                        model.id(), CONVERSATION.size(), tokens, BenchStatistics.nearestRank(micros, 0.50),
                        BenchStatistics.nearestRank(micros, 0.99), Arrays.stream(micros).average().orElseThrow(),
                        iterations, Runtime.getRuntime().availableProcessors(), rate);
            }
        }
    }

    /** Conversations per second with one caller per core, each encoding distinct conversations back to back. */
    private static double throughput(ConversationEncoder encoder, double seconds) {
        int cores = Runtime.getRuntime().availableProcessors();
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            long base = 1_000_000_000L * (c + 1);
            callers.add(Thread.ofPlatform().start(() -> {
                long n = base;
                while (!stop.get()) {
                    encoder.encode(conversation(++n));
                    done.increment();
                }
            }));
        }
        long start = System.nanoTime();
        try {
            Thread.sleep((long) (seconds * 1000));
            stop.set(true);
            for (Thread caller : callers) {
                caller.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static List<ChatTurn> conversation(long n) {
        List<ChatTurn> turns = new ArrayList<>(CONVERSATION.subList(0, CONVERSATION.size() - 1));
        ChatTurn last = CONVERSATION.getLast();
        turns.add(new ChatTurn(last.role(), last.text() + " (attempt " + n + ")"));
        return turns;
    }
}
