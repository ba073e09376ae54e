package dev.llmc.abtest.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentRulesTest {
    private static ExperimentDraft.ArmDraft expertArm(String name, double weight, boolean control) {
        return new ExperimentDraft.ArmDraft(name, weight, control, null, null, null, null, false, "alpha");
    }

    @Test
    void normalisesWeightsToSumToOne() {
        ExperimentRules.Definition definition = ExperimentRules.validate(new ExperimentDraft("x", "user", null,
                List.of(expertArm("a", 1, true), expertArm("b", 3, false))));
        assertEquals(0.25, definition.arms().get(0).weight(), 1e-12);
        assertEquals(0.75, definition.arms().get(1).weight(), 1e-12);
        assertEquals(1.0, definition.traffic());
    }

    @Test
    void requiresExactlyOneControl() {
        var error = assertThrows(InvalidExperimentException.class, () -> ExperimentRules.validate(new ExperimentDraft("x",
                "user", 1.0, List.of(expertArm("a", 1, true), expertArm("b", 1, true)))));
        assertTrue(error.getMessage().contains("found 2"), error.getMessage());
    }

    @Test
    void rejectsEpsilonOutsideZeroToOne() {
        var arm = new ExperimentDraft.ArmDraft("b", 1.0, false, null, "epsilon_greedy", 1.5, null, true, null);
        var error = assertThrows(InvalidExperimentException.class, () -> ExperimentRules.validate(new ExperimentDraft("x",
                "user", 1.0, List.of(expertArm("a", 1, true), arm))));
        assertTrue(error.getMessage().contains("arms[1].policy.epsilon"), error.getMessage());
    }

    private static Experiment experiment(ExperimentDraft.ArmDraft... arms) {
        return new Experiment("exp", "x", ExperimentUnit.USER, 1.0, "s", ExperimentStatus.RUNNING, "o",
                java.time.Instant.EPOCH, null, null, ExperimentRules.validate(new ExperimentDraft("x", "user", 1.0,
                List.of(arms))).arms());
    }

    private static double[] weights(List<Arm> arms) {
        return arms.stream().mapToDouble(Arm::weight).toArray();
    }

    @Test
    void reweighingIsRelativeToTheArmsNotNamed() {
        Experiment experiment = experiment(expertArm("a", 1, true), expertArm("b", 1, false));
        assertArrayEquals(new double[] {0.4, 0.6}, weights(ExperimentRules.reweigh(experiment, Map.of("b", 1.5))), 1e-12);
        assertThrows(InvalidExperimentException.class, () -> ExperimentRules.reweigh(experiment, Map.of("zzz", 1.0)));
    }

    @Test
    void doublingOneOfThreeEqualArmsGivesOneTwoOne() {
        Experiment experiment = experiment(expertArm("a", 1, true), expertArm("v7", 1, false), expertArm("c", 1, false));
        assertArrayEquals(new double[] {0.25, 0.5, 0.25}, weights(ExperimentRules.reweigh(experiment, Map.of("v7", 2.0))), 1e-12);
    }

    @Test
    void armsNotNamedKeepTheirRatioInTheUnitsTheExperimentWasCreatedIn() {
        // Created 1:3:4; setting the first to 4 gives 4:3:4.
        Experiment experiment = experiment(expertArm("a", 1, true), expertArm("b", 3, false), expertArm("c", 4, false));
        assertArrayEquals(new double[] {4 / 11.0, 3 / 11.0, 4 / 11.0}, weights(ExperimentRules.reweigh(experiment, Map.of("a", 4.0))), 1e-12);
    }

    @Test
    void everyRuleNamesItsFieldAsParam() {
        var error = assertThrows(InvalidExperimentException.class, () -> ExperimentRules.validate(new ExperimentDraft("x",
                "user", 1.0, List.of(expertArm("a", 1, true), new ExperimentDraft.ArmDraft("b", 1.0, false, null, null, null, null, false, "Not Valid!")))));
        assertEquals("arms[1].expert", error.field());
        assertEquals("traffic", assertThrows(InvalidExperimentException.class, () -> ExperimentRules.traffic(2)).field());
        assertEquals("name", assertThrows(InvalidExperimentException.class, () -> ExperimentRules.validate(new ExperimentDraft(null,
                "user", 1.0, List.of(expertArm("a", 1, true), expertArm("b", 1, false))))).field());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a\u0000b", "a\ud800b"})
    void rejectsNamePostgresCannotStore(String name) {
        var error = assertThrows(InvalidExperimentException.class, () -> ExperimentRules.validate(new ExperimentDraft(name,
                "user", 1.0, List.of(expertArm("a", 1, true), expertArm("b", 1, false)))));
        assertEquals("name", error.field());
    }

    @Test
    void rejectsControllerVersionPostgresCannotStore() {
        var arm = new ExperimentDraft.ArmDraft("b", 1.0, false, "v\u0000", null, null, null, false, null);
        var error = assertThrows(InvalidExperimentException.class, () -> ExperimentRules.validate(new ExperimentDraft("x",
                "user", 1.0, List.of(expertArm("a", 1, true), arm))));
        assertEquals("arms[1].controller_version", error.field());
    }
}
