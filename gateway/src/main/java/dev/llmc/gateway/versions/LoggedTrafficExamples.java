package dev.llmc.gateway.versions;

import dev.llmc.abtest.event.LoggedExposure;
import dev.llmc.abtest.event.LoggedExposureReader;
import dev.llmc.model.training.TrainingExample;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns logged exposures joined with their signals (ab-testing's event log) into the controller's training
 * examples: the translation between the two libraries lives here, in the gateway (the training job of the tools module
 * reads them through it).
 */
public final class LoggedTrafficExamples {
    private LoggedTrafficExamples() {
    }

    /**
     * The examples of one encoder's exposures, and the exposures left out because another encoder embedded them, by
     * encoder id (rows logged before exposures recorded their encoder count as
     * {@link LoggedExposureReader#UNRECORDED_ENCODER}'s).
     */
    public record Loaded(List<TrainingExample> examples, Map<String, Long> otherEncoders) {
        public long skipped() {
            return otherEncoders.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Exposures served in [from, to) that a routing policy chose and that {@code encoderId} embedded, with their signals. */
    public static Loaded load(DataSource dataSource, Instant from, Instant to, String encoderId) {
        List<TrainingExample> examples = new ArrayList<>();
        Map<String, Long> otherEncoders = new TreeMap<>();
        new LoggedExposureReader().forEach(dataSource, from, to, exposure -> {
            if (choseByPolicy(exposure) && embeddedBy(encoderId, exposure, otherEncoders)) {
                examples.add(toExample(exposure));
            }
        });
        return new Loaded(examples, otherEncoders);
    }

    /**
     * Pinned requests are not encoded and fallbacks were not the policy's choice (their propensity is NaN):
     * neither can teach routing nor enter an off-policy estimate.
     */
    static boolean choseByPolicy(LoggedExposure exposure) {
        return exposure.embedding() != null && exposure.propensity() > 0 && exposure.propensity() <= 1;
    }

    /**
     * Whether the exposure's e(C) is in {@code encoderId}'s space: another encoder's vector means nothing to a model of
     * this one. Counts the others by encoder in {@code otherEncoders}.
     */
    static boolean embeddedBy(String encoderId, LoggedExposure exposure, Map<String, Long> otherEncoders) {
        if (encoderId.equals(exposure.encoder())) {
            return true;
        }
        otherEncoders.merge(exposure.encoder(), 1L, Long::sum);
        return false;
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
