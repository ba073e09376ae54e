package dev.llmc.gateway.experiments;

import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.Experiment;
import dev.llmc.gateway.routing.RoutePlan;

/** The running experiment a request's unit belongs to, its arm, and how that arm routes. */
public record Assignment(Experiment experiment, Arm arm, RoutePlan plan) {
}
