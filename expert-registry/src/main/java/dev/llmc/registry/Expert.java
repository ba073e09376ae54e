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
        Instant createdAt,
        Instant updatedAt) {

    /** An expert that has not been changed since it was created. */
    public Expert(String id, String name, String description, String owner, ExpertStatus status, float[] theta,
                  List<ExpertNode> nodes, Instant createdAt) {
        this(id, name, description, owner, status, theta, nodes, createdAt, createdAt);
    }
}
