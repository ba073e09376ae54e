package dev.llmc.gateway.testing;

import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;

/** Puts every live expert's nodes back in rotation between tests (a failed node otherwise waits for its next probe). */
public final class NodeRotation {
    private NodeRotation() {
    }

    public static void putEveryNodeBack(ExpertCatalog catalog, NodeHealth health) {
        for (Expert expert : catalog.live()) {
            for (int i = 0; i < expert.nodes().size(); i++) {
                health.record(expert, i, true);
            }
        }
    }
}
