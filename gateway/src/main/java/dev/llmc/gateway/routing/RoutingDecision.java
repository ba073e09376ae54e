package dev.llmc.gateway.routing;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * The outcome of routing one turn: candidates in the order to try them (the policy's choice first, then the
 * rest of the ranking as fallbacks), the conversation embedding e(C) and the id of the encoder that computed it (both
 * null when an expert was pinned and nothing was encoded), the controller version that scored, the propensity of the
 * first choice, and the nanoseconds spent encoding the conversation (0 when pinned), which the gateway's overhead
 * metric subtracts, and the policy that chose (as the exposure records it).
 */
public record RoutingDecision(List<RankedExpert> candidates, @Nullable float[] embedding, @Nullable String encoderId,
                              String controllerVersion, double propensity, long encoderNanos, String policy) {
}
