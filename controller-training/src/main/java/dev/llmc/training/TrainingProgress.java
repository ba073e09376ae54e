package dev.llmc.training;

import java.time.Duration;

/** Receives progress during training (examples/s, loss, ETA): the CLI prints it to the terminal. */
@FunctionalInterface
public interface TrainingProgress {

    /** Ignores every update. */
    TrainingProgress NONE = (epoch, epochs, examplesSeen, examplesTotal, examplesPerSecond, loss, eta) -> { };

    /**
     * Called after each reporting interval and once at the end of every epoch.
     *
     * @param epoch             the current epoch, 1-based
     * @param examplesSeen      training examples processed so far over all epochs
     * @param examplesTotal     training examples × epochs
     * @param loss              the mean training loss over the examples since the previous update
     */
    void update(int epoch, int epochs, long examplesSeen, long examplesTotal, double examplesPerSecond, double loss,
            Duration eta);
}
