package dev.llmc.abtest.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One served message: the owner of the app key that asked for it (client-chosen user and conversation ids are
 * unique only within an owner), who, which conversation and turn (number of user messages so far), the experiment arm
 * (null outside experiments), the controller version, the expert, its score, the propensity of the choice under
 * the arm's policy, e(C) (null when an expert was pinned), latency and time; {@code regenerates} names the message
 * this one replaced (a {@code "regenerate": true} request); {@code policy} names what chose the expert ({@code pinned},
 * {@code greedy}, {@code epsilon_greedy}, {@code thompson}, {@code linear_thompson}, {@code random}; null in rows
 * logged before it was recorded); {@code encoder} is the id of the sentence encoder that computed e(C) (null when
 * nothing was encoded, and in events queued before it was recorded).
 */
public record Exposure(String messageId, String owner, String userId, String conversationId, int turn,
                       String experimentId, String arm, String controllerVersion, String expertId, String expertName,
                       double score, double propensity, float[] embedding, int latencyMillis, Instant servedAt,
                       String regenerates, String policy, String encoder) implements Event {
    public Exposure {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(controllerVersion, "controllerVersion");
        Objects.requireNonNull(expertId, "expertId");
        Objects.requireNonNull(expertName, "expertName");
        Objects.requireNonNull(servedAt, "servedAt");
    }
}
