package dev.llmc.abtest.experiment;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An experiment: what is randomised, the share of units that enter, the salt of its assignment hash, its arms. */
public record Experiment(String id, String name, ExperimentUnit unit, double traffic, String salt, ExperimentStatus status,
                         String owner, Instant createdAt, Instant startedAt, Instant stoppedAt, List<Arm> arms) {

    public Experiment {
        arms = List.copyOf(arms);
    }

    public Optional<Arm> arm(String armName) {
        return arms.stream().filter(arm -> arm.name().equals(armName)).findFirst();
    }

    public Arm control() {
        return arms.stream().filter(Arm::control).findFirst().orElseThrow();
    }
}
