package dev.llmc.gateway.versions;

import dev.llmc.abtest.event.LoggedExposure;
import dev.llmc.abtest.event.LoggedExposureReader;
import dev.llmc.model.training.TrainingExample;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns logged exposures joined with their signals (ab-testing's event log) into the controller's training
 * examples: the translation between the two libraries lives here, in the gateway (the training job of the tools module
 * reads them through it).
 */
public final class LoggedTrafficExamples {
    private LoggedTrafficExamples() {
    }

    /** Exposures served in [from, to) that a routing policy chose, with their embedding and signals. */
    public static List<TrainingExample> load(DataSource dataSource, Instant from, Instant to) {
        List<TrainingExample> examples = new ArrayList<>();
        new LoggedExposureReader().forEach(dataSource, from, to, exposure -> {
            if (choseByPolicy(exposure)) {
                examples.add(toExample(exposure));
            }
        });
        return examples;
    }

    /**
     * Pinned requests are not encoded and fallbacks were not the policy's choice (their propensity is NaN):
     * neither can teach routing nor enter an off-policy estimate.
     */
    static boolean choseByPolicy(LoggedExposure exposure) {
        return exposure.embedding() != null && exposure.propensity() > 0 && exposure.propensity() <= 1;
    }

    static TrainingExample toExample(LoggedExposure exposure) {
        return new TrainingExample(
                exposure.messageId(),
                exposure.expertId(),
                exposure.embedding(),
                (float) exposure.propensity(),
                exposure.servedAtMillis(),
                exposure.rating() == null ? Float.NaN : exposure.rating(),
                exposure.retried(),
                exposure.conversationLength() == null ? Float.NaN : exposure.conversationLength());
    }
}
