package dev.llmc.registry;

import java.util.List;

/** A change to an expert; null fields stay as they are. {@code nodes} replaces the whole node list. */
public record ExpertPatch(String description, List<ExpertNode> nodes, ExpertStatus status) {
}
