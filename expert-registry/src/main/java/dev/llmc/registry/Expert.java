package dev.llmc.registry;

import java.time.Instant;
import java.util.List;

/** A registered expert LLM: its identity, who owns it, its content-based feature vector θ and where it is served. */
public record Expert(
        String id,
        String name,
        String description,
        String owner,
        ExpertStatus status,
        float[] theta,
        List<ExpertNode> nodes,
        Instant createdAt) {
}
