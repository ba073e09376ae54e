package dev.llmc.abtest.stats;

import java.util.List;

/** The results table of an experiment: one row per arm and the sample-ratio-mismatch check. */
public record ExperimentResults(List<ArmResult> arms, SrmCheck srm) {
}
