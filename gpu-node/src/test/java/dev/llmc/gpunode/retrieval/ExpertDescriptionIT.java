package dev.llmc.gpunode.retrieval;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The demo descriptions become the experts' content-based θ, so each must win the conversations of its speciality. */
@MicronautTest(startApplication = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertDescriptionIT {

    private static final List<String> EXPERTS = List.of("cooking", "programming", "emotional-support");

    @Inject
    SentenceEncoder encoder;

    @Inject
    ConversationEncoder conversationEncoder;

    private final Map<String, float[]> descriptions = new LinkedHashMap<>();

    @BeforeAll
    void embedDescriptions() throws IOException {
        for (String expert : EXPERTS) {
            descriptions.put(expert, encoder.embed(Files.readString(Path.of("corpora", expert + ".description.txt")).strip()));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            cooking           | What's a good recipe for lasagna with fresh pasta?
            cooking           | How long do I bake banana muffins and at what temperature?
            cooking           | Can I use butter instead of oil when frying onions?
            programming       | Exception in thread "main" java.lang.IllegalStateException: at com.example.App.main(App.java:12)
            programming       | My Python script fails with KeyError when reading the config dictionary
            programming       | How do I squash my last three git commits before pushing?
            emotional-support | I feel lonely since my dog died
            emotional-support | I've been so anxious and stressed that I cry every evening
            emotional-support | My husband passed away and I don't know how to go on
            """)
    void conversationScoresHighestAgainstItsSpecialityDescription(String expected, String message) {
        float[] conversation = conversationEncoder.encode(List.of(new ChatTurn("user", message)));

        String best = null;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (Map.Entry<String, float[]> description : descriptions.entrySet()) {
            float score = dot(description.getValue(), conversation);
            if (score > bestScore) {
                bestScore = score;
                best = description.getKey();
            }
        }
        assertEquals(expected, best);
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
