package dev.llmc.model.encoder;

import static dev.llmc.model.encoder.TestModels.ENCODER;
import static dev.llmc.model.encoder.TestModels.MAX_TOKENS;
import static dev.llmc.model.encoder.TestModels.TOKENIZER;
import static dev.llmc.model.encoder.TestModels.maxAbsDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingSentenceEncoderTest {

    /** Texts of 3 to about 120 tokens, so that they span several length buckets. */
    private static final List<String> TEXTS = texts();

    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String topic = i % 2 == 0 ? "How long should I knead bread dough?" : "Python traceback: KeyError in dict lookup";
            texts.add("user: question " + i + " " + "and some more context ".repeat(i) + topic);
        }
        return texts;
    }

    /** Collects what the encoder reports. */
    private static final class Recorder implements BatchListener {
        final ConcurrentLinkedQueue<BatchStats> batches = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();

        @Override
        public void queueWait(long nanos) {
            waits.add(nanos);
        }

        @Override
        public void batchEncoded(BatchStats stats) {
            batches.add(stats);
        }
    }

    private static BatchingSentenceEncoder batching(Duration window, int maxBatch, int capacity, int bucketWidth,
                                                    int workers, BatchListener listener) {
        return new BatchingSentenceEncoder(OnnxSentenceEncoder.load(TOKENIZER, MAX_TOKENS, 1),
                new EncoderSettings(MAX_TOKENS, 1, OnnxSentenceEncoder.DeviceChoice.AUTO, window, maxBatch, bucketWidth, capacity, workers),
                listener);
    }

    @Test
    void concurrentCallersEachGetTheEmbeddingOfTheirOwnText() throws Exception {
        List<float[]> alone = TEXTS.stream().map(ENCODER::embed).toList();
        Recorder recorder = new Recorder();
        ExecutorService callers = Executors.newFixedThreadPool(TEXTS.size());
        try (BatchingSentenceEncoder encoder = batching(Duration.ofMillis(20), 32, 1000, 16, 2, recorder)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (String text : TEXTS) {
                results.add(callers.submit(() -> {
                    start.await();
                    List<float[]> repeated = new ArrayList<>();
                    for (int r = 0; r < 3; r++) {
                        repeated.add(encoder.embed(text));
                    }
                    return repeated;
                }));
            }
            start.countDown();
            for (int i = 0; i < TEXTS.size(); i++) {
                for (float[] embedding : results.get(i).get(60, TimeUnit.SECONDS)) {
                    assertTrue(maxAbsDifference(alone.get(i), embedding) < 1e-5, TEXTS.get(i));
                }
            }
        } finally {
            callers.shutdownNow();
        }
        assertTrue(recorder.batches.stream().anyMatch(batch -> batch.size() > 1), "no two callers shared a batch");
    }

    @Test
    void returnsACallersTextsInTheirOrderAcrossLengthBuckets() {
        try (BatchingSentenceEncoder encoder = batching(Duration.ofMillis(2), 4, 1000, 8, 2, BatchListener.NONE)) {
            List<float[]> batched = encoder.embed(TEXTS);

            assertEquals(TEXTS.size(), batched.size());
            for (int i = 0; i < TEXTS.size(); i++) {
                assertTrue(maxAbsDifference(ENCODER.embed(TEXTS.get(i)), batched.get(i)) < 1e-5, TEXTS.get(i));
            }
        }
    }

    @Test
    void aLoneTextWaitsNoLongerThanTheWindow() {
        Recorder recorder = new Recorder();
        Duration window = Duration.ofMillis(30);
        try (BatchingSentenceEncoder encoder = batching(window, 32, 1000, 16, 1, recorder)) {
            for (int i = 0; i < 5; i++) {
                encoder.embed(TEXTS.get(i));
            }
        }
        // The slack covers thread wake-up on a loaded machine, not batching.
        long limit = window.plusMillis(50).toNanos();
        assertEquals(5, recorder.waits.size());
        assertTrue(recorder.waits.stream().allMatch(wait -> wait <= limit), () -> "waits (ns): " + recorder.waits);
    }

    @Test
    void aFullBatchGoesWithoutWaitingForTheWindow() {
        Recorder recorder = new Recorder();
        try (BatchingSentenceEncoder encoder = batching(Duration.ofSeconds(1), 4, 1000, MAX_TOKENS, 1, recorder)) {
            long start = System.nanoTime();
            encoder.embed(TEXTS.subList(0, 4));

            assertTrue(System.nanoTime() - start < Duration.ofMillis(900).toNanos(), "waited for the window");
        }
        assertEquals(4, recorder.batches.peek().size());
    }

    @Test
    void idleWorkersShareTheTextsQueuedForThem() {
        Recorder recorder = new Recorder();
        try (BatchingSentenceEncoder encoder = batching(Duration.ofMillis(100), 32, 1000, MAX_TOKENS, 2, recorder)) {
            encoder.embed(TEXTS.subList(0, 4));
        }
        assertEquals(List.of(2, 2), recorder.batches.stream().map(BatchStats::size).toList());
    }

    @Test
    void lengthBucketsKeepShortAndLongTextsInSeparateBatches() {
        Recorder recorder = new Recorder();
        String shortText = TEXTS.get(0);
        String longText = TEXTS.get(TEXTS.size() - 1);
        assertTrue(TOKENIZER.countTokens(longText) - TOKENIZER.countTokens(shortText) > 64);
        try (BatchingSentenceEncoder encoder = batching(Duration.ofMillis(50), 32, 1000, 16, 1, recorder)) {
            encoder.embed(List.of(shortText, longText, shortText, longText));
        }
        assertEquals(2, recorder.batches.size());
        assertTrue(recorder.batches.stream().allMatch(batch -> batch.paddingRatio() == 0), () -> "" + recorder.batches);
    }

    @Test
    void refusesTextsWhenTheQueueIsFull() {
        List<String> rejected = new ArrayList<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void rejected(int texts) {
                rejected.add("x".repeat(texts));
            }
        };
        // A long window keeps the first two texts queued while the third arrives.
        try (BatchingSentenceEncoder encoder = batching(Duration.ofMillis(500), 32, 2, 16, 1, listener)) {
            CompletableFuture<List<float[]>> queued = CompletableFuture.supplyAsync(() -> encoder.embed(TEXTS.subList(0, 2)));
            while (encoder.queued() < 2 && !queued.isDone()) {
                Thread.onSpinWait();
            }

            EncoderOverloadedException overloaded = assertThrows(EncoderOverloadedException.class, () -> encoder.embed(TEXTS.get(2)));

            assertTrue(overloaded.retryAfter().toSeconds() >= 1);
            assertEquals(List.of("x"), rejected);
            assertEquals(2, queued.join().size());
        }
    }

    @Test
    void admitsARequestLargerThanTheWholeQueueWhenTheQueueIsEmpty() {
        try (BatchingSentenceEncoder encoder = batching(Duration.ZERO, 32, 2, 16, 1, BatchListener.NONE)) {
            assertEquals(5, encoder.embed(TEXTS.subList(0, 5)).size());
        }
    }
}
