package dev.llmc.model.encoder;

import static dev.llmc.model.encoder.TestModels.COOKING_DESCRIPTION;
import static dev.llmc.model.encoder.TestModels.COOKING_QUESTION;
import static dev.llmc.model.encoder.TestModels.ENCODER;
import static dev.llmc.model.encoder.TestModels.MAX_TOKENS;
import static dev.llmc.model.encoder.TestModels.PROGRAMMING_DESCRIPTION;
import static dev.llmc.model.encoder.TestModels.PROGRAMMING_QUESTION;
import static dev.llmc.model.encoder.TestModels.TOKENIZER;
import static dev.llmc.model.encoder.TestModels.cosine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StaticSentenceEncoderTest {

    private static final StaticSentenceEncoder COMMITTED = StaticSentenceEncoder.load(TOKENIZER, MAX_TOKENS);

    @Test
    void embeddingIsTheNormalisedSumOfItsTokensVectorsWithClsAndSep() {
        int vocabulary = 30522;
        float[] vectors = new float[vocabulary * 2];
        long[] ids = TOKENIZER.encodeKeepingEnd("hello world", MAX_TOKENS).ids();
        // [CLS] hello world [SEP] → (1, 0) + (0, 2) + (0, 2) + (3, 0) = (4, 4)
        float[][] given = {{1, 0}, {0, 2}, {0, 2}, {3, 0}};
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(given[i], 0, vectors, (int) ids[i] * 2, 2);
        }
        StaticSentenceEncoder encoder = new StaticSentenceEncoder(TOKENIZER, new StaticTokenTable(vocabulary, 2, vectors), MAX_TOKENS);

        assertEquals(4, ids.length);
        float[] expected = {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)};
        assertArrayEquals(expected, encoder.embed("hello world"), 1e-6f);
    }

    @Test
    void tableSurvivesItsInt8FileWithinHalfAStepPerToken() throws IOException {
        Random random = new Random(7);
        float[] vectors = new float[50 * 16];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = (float) random.nextGaussian();
        }
        StaticTokenTable table = new StaticTokenTable(50, 16, vectors);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.write(bytes);

        StaticTokenTable read = StaticTokenTable.read(new ByteArrayInputStream(bytes.toByteArray()));

        assertEquals(50, read.vocabularySize());
        assertEquals(16, read.dimension());
        for (int t = 0; t < 50; t++) {
            float max = 0;
            for (int d = 0; d < 16; d++) {
                max = Math.max(max, Math.abs(vectors[t * 16 + d]));
            }
            for (int d = 0; d < 16; d++) {
                assertEquals(vectors[t * 16 + d], read.vectors()[t * 16 + d], max / 127 / 2 + 1e-6, "token " + t);
            }
        }
    }

    @Test
    void committedTableGives384DimensionalUnitVectorsUnderItsOwnId() {
        for (float[] embedding : COMMITTED.embed(List.of(COOKING_QUESTION, "ok", "filler ".repeat(300) + PROGRAMMING_QUESTION))) {
            assertEquals(384, embedding.length);
            assertEquals(1.0, Math.sqrt(dot(embedding, embedding)), 1e-5);
        }
        assertEquals(384, COMMITTED.dimension());
        assertEquals("static-minilm-v2", COMMITTED.id());
    }

    @Test
    void committedTableSeparatesTopicsLikeMiniLm() {
        float[] cooking = COMMITTED.embed(COOKING_QUESTION);
        float[] programming = COMMITTED.embed(PROGRAMMING_QUESTION);

        assertTrue(cosine(cooking, COMMITTED.embed(COOKING_DESCRIPTION)) > cosine(cooking, COMMITTED.embed(PROGRAMMING_DESCRIPTION)) + 0.2);
        assertTrue(cosine(programming, COMMITTED.embed(PROGRAMMING_DESCRIPTION)) > cosine(programming, COMMITTED.embed(COOKING_DESCRIPTION)) + 0.2);
    }

    @Test
    void committedTableLandsNearestToMiniLmsEmbeddingOfTheSameText() {
        List<String> texts = List.of("user: " + COOKING_QUESTION, "user: " + PROGRAMMING_QUESTION,
                "user: My landlord refuses to return my deposit, what can I do?",
                "user: I feel lonely since I moved to a new city.", "user: Which stocks should I buy for my retirement?");
        List<float[]> teacher = ENCODER.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] student = COMMITTED.embed(texts.get(i));
            for (int j = 0; j < texts.size(); j++) {
                if (j != i) {
                    assertTrue(cosine(student, teacher.get(i)) > cosine(student, teacher.get(j)) + 0.1,
                            texts.get(i) + " vs MiniLM's " + texts.get(j));
                }
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
