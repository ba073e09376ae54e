package dev.llmc.tools.simulate;

import com.google.gson.JsonParser;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.matrix.ExpertNames;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.matrix.RoutingMatrixLoader;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.tools.eval.PromptEmbeddings;
import dev.llmc.tools.eval.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short learning loop on the real system (the built gateway and gpu-node jars as processes, embedded PostgreSQL and
 * Redis, replayed experts without response texts): the cold start is misled by the descriptions (the "chef", label
 * 0.1, describes exactly the cooking prompts; the "generalist", 0.85, says little), one round of traffic, training and
 * A/B must move the active controller to the generalist, and an A/B of the content controller against it must not
 * promote the worse one.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LearningLoopIT {
    private static final Path DATA = Path.of("src/test/resources/simulate/cooking");
    /**
     * Cold start scores about 0.11 (the descriptions send every prompt to the chef); the generalist everywhere would
     * score 0.85, a uniformly random expert 0.42. Trained models kept whatever their hold-out ({@code --fallback none})
     * learned 0.29 (a gain of 0.19) in three runs with the static encoder; with train's default fallback the 30-odd held-out
     * examples show no win over the expert means, whose controller sends every prompt to the generalist: 0.85 in two
     * runs. 0.1 is below the smallest gain seen either way. The candidate's promotion is asserted separately.
     */
    private static final double MARGIN = 0.1;
    /**
     * Online mode's posterior means after two rounds of 200 turns, over the cold start: three runs reached 0.85 (the
     * generalist on every evaluation prompt, a gain of 0.75) after the first round already.
     */
    private static final double POSTERIOR_MARGIN = 0.3;
    /**
     * The gateway's default. The fixture's descriptions are written so that it sends every cooking prompt to the chef
     * (40 of 40); the earlier "Answers anything." sent 29 of them to the generalist under the static encoder.
     */
    private static final EncoderModel ENCODER = EncoderModel.named(EncoderModel.DEFAULT_NAME);

    @TempDir
    Path dir;

    @Test
    void learnsFromSimulatedUsersAndDoesNotPromoteAWorseCandidate() throws Exception {
        PrintStream err = System.err;
        try (LearningLoop loop = loop(LearningLoop.Mode.batch, err)) {
            double coldStart = loop.start();
            assertEquals(0.10, coldStart, 0.03, "the misleading descriptions send the cooking prompts to the chef");

            SimulationReport.Round round = loop.round(1, new LearningLoop.Schedule(40, 300, 200, 0.05));

            assertTrue(round.promoted, () -> "the trained candidate wins its A/B: " + round.json());
            assertEquals(round.candidateVersion, loop.active());
            double learned = loop.evaluate(loop.active());
            err.printf("LearningLoopIT: cold start %.4f, learned %.4f%n", coldStart, learned);
            assertTrue(learned > coldStart + MARGIN, () -> "cold start " + coldStart + ", learned " + learned);
            assertTrue(round.turns >= 500, () -> "traffic and A/B turns, regenerates included: " + round.turns);
            assertNull(round.posteriorEvalUtility, "batch mode keeps no linear Thompson posteriors to score");

            String trained = loop.active();
            SimulationReport.Round rollback = new SimulationReport.Round(2);
            rollback.activeVersion = trained;
            loop.abTest(rollback, "content", "worse", new LearningLoop.Schedule(40, 0, 200, 0.05));

            assertFalse(rollback.promoted, () -> "the content controller must not replace the trained one: " + rollback.json());
            assertEquals(trained, loop.active());
            assertTrue(rollback.abLift < -0.2 && rollback.pValue > 0.5, () -> rollback.json().toString());
        }
    }

    /**
     * Online mode on the same data: linear Thompson sampling serves every routed turn and learns within the rounds
     * without any retraining. Always serving the chef, as the cold start would, loses 0.75 per turn to the oracle (the
     * generalist); uniformly random 0.43. The second round must lose less than 0.3.
     */
    @Test
    void onlineModeLearnsWithLinearThompsonWithoutRetraining() throws Exception {
        PrintStream err = System.err;
        try (LearningLoop loop = loop(LearningLoop.Mode.online, err)) {
            double coldStart = loop.start();
            LearningLoop.Schedule schedule = new LearningLoop.Schedule(40, 200, 0, 0.05);
            SimulationReport.Round first = loop.round(1, schedule);
            SimulationReport.Round second = loop.round(2, schedule);

            assertEquals(Map.of("linear_thompson", (long) (first.turns + second.turns)), loop.servedByPolicy());
            assertEquals("content", loop.active(), "online mode never trains nor promotes");
            double firstPerTurn = first.regret / first.turns;
            double secondPerTurn = second.regret / second.turns;
            err.printf("LearningLoopIT online: regret per turn %.4f, then %.4f; posterior means %.4f, then %.4f%n", firstPerTurn,
                    secondPerTurn, first.posteriorEvalUtility, second.posteriorEvalUtility);
            // Static encoder, three runs on the loaded development VM: 0.13 then 0.06, 0.14 then 0.05, 0.13 then 0.04
            // (MiniLM, four runs: 0.11–0.25 then 0.04–0.08; the first round can learn most of it already, so the rounds
            // are not compared).
            assertTrue(secondPerTurn < 0.3, () -> "regret per turn " + firstPerTurn + " then " + secondPerTurn);
            // What the gateway's posteriors learned, scored greedily on the evaluation prompts through the explanation.
            assertTrue(second.posteriorEvalUtility > coldStart + POSTERIOR_MARGIN,
                    () -> "cold start " + coldStart + ", posterior means " + second.posteriorEvalUtility);
        }
    }

    /** The cooking matrix with descriptions that send the cold start to the chef, in mode. */
    private LearningLoop loop(LearningLoop.Mode mode, PrintStream err) throws IOException {
        RoutingMatrix matrix = RoutingMatrixLoader.load(DATA, null, null);
        Map<String, String> names = ExpertNames.map(matrix.experts());
        Map<String, String> descriptions = new HashMap<>();
        JsonParser.parseString(Files.readString(DATA.resolve("descriptions.json"))).getAsJsonObject().entrySet()
                .forEach(entry -> descriptions.put(entry.getKey(), entry.getValue().getAsString()));
        Split split = Split.random(matrix.promptCount(), 0.7, 1);
        List<float[]> evalEmbeddings = PromptEmbeddings.embed(
                Arrays.stream(split.test()).mapToObj(p -> matrix.prompts().get(p)).toList(), ENCODER, dir.resolve("cache"), err);
        LearningLoop.Setup setup = new LearningLoop.Setup(Path.of("..").toAbsolutePath().normalize(), dir.resolve("state"),
                DATA, matrix, names, descriptions, split, evalEmbeddings, ReactionModel.DEFAULT, 1, 4, mode, null,
                TrainingFallback.EXPERT_MEANS, ENCODER);
        return new LearningLoop(setup, new SimulationReport(mode.name(), 1, matrix, split, names), err);
    }
}
