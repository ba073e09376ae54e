package dev.llmc.abtest.experiment;

/**
 * One arm: its name, normalised weight, whether it is the control, and exactly one treatment: a controller
 * version, a routing policy over the active controller, or a fixed expert (by name).
 */
public record Arm(String name, double weight, boolean control, String controllerVersion, PolicySpec policy, String expert) {

    public Arm withWeight(double newWeight) {
        return new Arm(name, newWeight, control, controllerVersion, policy, expert);
    }
}
