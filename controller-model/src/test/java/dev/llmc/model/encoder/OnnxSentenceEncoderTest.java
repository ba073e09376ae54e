package dev.llmc.model.encoder;

import static dev.llmc.model.encoder.TestModels.COOKING_DESCRIPTION;
import static dev.llmc.model.encoder.TestModels.COOKING_QUESTION;
import static dev.llmc.model.encoder.TestModels.ENCODER;
import static dev.llmc.model.encoder.TestModels.PROGRAMMING_DESCRIPTION;
import static dev.llmc.model.encoder.TestModels.PROGRAMMING_QUESTION;
import static dev.llmc.model.encoder.TestModels.cosine;
import static dev.llmc.model.encoder.TestModels.maxAbsDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OnnxSentenceEncoderTest {


    @Test
    void returns384DimensionalUnitVectors() {
        List<float[]> embeddings = ENCODER.embed(List.of(COOKING_QUESTION, PROGRAMMING_QUESTION, "ok"));

        assertEquals(384, ENCODER.dimension());
        for (float[] embedding : embeddings) {
            assertEquals(384, embedding.length);
            double squares = 0;
            for (float v : embedding) {
                squares += v * v;
            }
            assertEquals(1.0, Math.sqrt(squares), 1e-5);
        }
    }

    @Test
    void batchEmbeddingsEqualOneAtATimeEmbeddings() {
        List<String> texts = List.of("ok", COOKING_QUESTION, PROGRAMMING_DESCRIPTION, "filler ".repeat(200) + COOKING_QUESTION);

        List<float[]> batch = ENCODER.embed(texts);

        for (int i = 0; i < texts.size(); i++) {
            assertTrue(maxAbsDifference(batch.get(i), ENCODER.embed(texts.get(i))) < 1e-5, texts.get(i));
        }
    }

    @Test
    void cookingQuestionIsCloserToCookingThanToProgramming() {
        float[] question = ENCODER.embed(COOKING_QUESTION);

        assertTrue(cosine(question, ENCODER.embed(COOKING_DESCRIPTION)) > cosine(question, ENCODER.embed(PROGRAMMING_DESCRIPTION)) + 0.2);
    }

    @Test
    void programmingQuestionIsCloserToProgrammingThanToCooking() {
        float[] question = ENCODER.embed(PROGRAMMING_QUESTION);

        assertTrue(cosine(question, ENCODER.embed(PROGRAMMING_DESCRIPTION)) > cosine(question, ENCODER.embed(COOKING_DESCRIPTION)) + 0.2);
    }

    @Test
    void longInputIsTruncatedKeepingItsEnd() {
        String filler = "The quarterly financial report covers revenue, operating margins and tax provisions. ".repeat(40);
        assertTrue(TestModels.TOKENIZER.countTokens(filler) >= 500);
        // Exactly room for the cooking question: a start-keeping truncation would see only finance filler.
        int maxTokens = TestModels.TOKENIZER.countTokens(COOKING_QUESTION) + 2;

        try (OnnxSentenceEncoder small = OnnxSentenceEncoder.load(TestModels.TOKENIZER, maxTokens, 1)) {
            float[] truncated = small.embed(filler + COOKING_QUESTION);

            assertTrue(cosine(truncated, small.embed(COOKING_QUESTION)) > 0.999);
            assertTrue(cosine(truncated, small.embed(filler)) < 0.5);
        }
    }

    @Test
    void concurrentCallersGetTheVectorsTheyGetAlone() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            texts.add("Question " + i + ": " + (i % 2 == 0 ? COOKING_QUESTION : PROGRAMMING_QUESTION) + " ".repeat(i) + "word ".repeat(i * 5));
        }
        List<float[]> alone = texts.stream().map(ENCODER::embed).toList();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (String text : texts) {
                results.add(pool.submit(() -> {
                    List<float[]> repeated = new ArrayList<>();
                    for (int r = 0; r < 10; r++) {
                        repeated.add(ENCODER.embed(text));
                    }
                    return repeated;
                }));
            }
            for (int i = 0; i < texts.size(); i++) {
                for (float[] embedding : results.get(i).get()) {
                    assertTrue(maxAbsDifference(alone.get(i), embedding) < 1e-5, texts.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
