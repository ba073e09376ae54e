package dev.llmc.gateway.routing;

import dev.llmc.registry.Expert;

/** An expert with its routing score for the current conversation (NaN when the caller pinned it). */
public record RankedExpert(Expert expert, double score) {
}
