package dev.llmc.tools.bench;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;

import java.util.Arrays;
import java.util.List;

/**
 * Times {@link ConversationEncoder#encode} on a realistic five-turn conversation with the real model.
 * Arguments (all optional): maxTokens (128), iterations (500), intra-op threads (available processors).
 */
public final class EncoderBenchmark {

    private static final int WARM_UP = 50;
    private static final List<ChatTurn> CONVERSATION = List.of(
            new ChatTurn("user", "I'm baking a sandwich loaf this weekend with my stand mixer."),
            new ChatTurn("assistant", "Great choice! Use bread flour, about 65% hydration, and knead with the dough hook on low speed."),
            new ChatTurn("user", "How long should I knead the dough, and how do I know when it's ready?"),
            new ChatTurn("assistant", "Roughly 8 to 10 minutes. It is ready when it is smooth, springs back when poked and passes the windowpane test."),
            new ChatTurn("user", "Mine keeps tearing in the windowpane test after 10 minutes. Should I add more water or keep kneading?"));

    private EncoderBenchmark() {
    }

    /** {@code llmc-tools bench encoder [maxTokens] [iterations] [threads]}. */
    static void run(int maxTokens, int iterations, int threads) {

        try (MiniLmTokenizer tokenizer = MiniLmTokenizer.load();
                OnnxSentenceEncoder sentenceEncoder = OnnxSentenceEncoder.load(tokenizer, maxTokens, threads)) {
            ConversationFormatter formatter = new ConversationFormatter(tokenizer, maxTokens);
            ConversationEncoder encoder = new ConversationEncoder(formatter, sentenceEncoder);
            int tokens = tokenizer.countTokens(formatter.format(CONVERSATION)) + 2;

            for (int i = 0; i < WARM_UP; i++) {
                encoder.encode(CONVERSATION);
            }
            double[] millis = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long start = System.nanoTime();
                encoder.encode(CONVERSATION);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            System.out.printf("encode %d-turn conversation: n=%d tokens=%d p50=%.2f ms p99=%.2f ms mean=%.2f ms threads=%d%n",
                    CONVERSATION.size(), iterations, tokens, percentile(millis, 0.50), percentile(millis, 0.99),
                    Arrays.stream(millis).average().orElseThrow(), threads);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
