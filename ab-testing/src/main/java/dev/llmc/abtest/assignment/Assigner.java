package dev.llmc.abtest.assignment;

import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.Experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Deterministic assignment: a unit enters an experiment when u_traffic(unit) < traffic and then gets the arm
 * whose cumulative-weight interval contains u_arm(unit), where u = first 53 bits of SHA-256(salt | purpose | unit)
 * as a fraction of 2^53. The two purposes use independent hashes so that changing traffic does not reshuffle arms.
 * Same inputs give the same arm on every replica; stickiness across weight changes comes from the
 * {@link AssignmentStore}, which keeps the first arm a unit got.
 */
public final class Assigner {
    private Assigner() {
    }

    /** The arm this unit falls into under the experiment's current traffic and weights; empty when it stays out. */
    public static Optional<Arm> assign(Experiment experiment, String unitId) {
        if (uniform(experiment.salt(), "traffic", unitId) >= experiment.traffic()) {
            return Optional.empty();
        }
        double u = uniform(experiment.salt(), "arm", unitId);
        double cumulative = 0;
        for (Arm arm : experiment.arms()) {
            cumulative += arm.weight();
            if (u < cumulative) {
                return Optional.of(arm);
            }
        }
        // Rounding can leave the weights summing to 0.9999999...; the last arm takes the remainder.
        return Optional.of(experiment.arms().getLast());
    }

    /** A number in [0, 1) determined by (salt, purpose, unit) alone. */
    public static double uniform(String salt, String purpose, String unitId) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        byte[] digest = sha.digest((salt + "|" + purpose + "|" + unitId).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xFF);
        }
        // The top 53 bits as a fraction: exactly representable, uniform on [0, 1).
        return (bits >>> 11) * 0x1.0p-53;
    }
}
