package dev.llmc.registry;

import java.util.List;

/**
 * What a caller asks to register, before validation; a node's {@code model} may be null (it then defaults
 * to the expert's name).
 */
public record ExpertDraft(String name, String description, List<ExpertNode> nodes) {
}
