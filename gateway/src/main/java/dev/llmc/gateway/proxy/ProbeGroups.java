package dev.llmc.gateway.proxy;

import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Experts' nodes grouped by what a health check actually tests: the base URL and the credential sent to it. One probe
 * per group answers for every node in it, so 10,000 experts on one server with one key cost one probe per interval,
 * while a node of the same server with another (say, wrong) key is probed, and judged, on its own.
 */
final class ProbeGroups {
    /** What one probe tests: a base URL and a credential's fingerprint ("" for none). */
    record Target(String baseUrl, String credential) {
    }

    /** One expert's node. */
    record Member(Expert expert, int index) {
        ExpertNode node() {
            return expert.nodes().get(index);
        }
    }

    private ProbeGroups() {
    }

    /**
     * The experts' nodes by probe target, in first-seen order. {@code credential} gives a node's credential fingerprint
     * ("" when it has no key); nodes whose fingerprints are equal send the same key.
     */
    static Map<Target, List<Member>> of(Collection<Expert> experts, Function<ExpertNode, String> credential) {
        Map<Target, List<Member>> groups = new LinkedHashMap<>();
        for (Expert expert : experts) {
            for (int i = 0; i < expert.nodes().size(); i++) {
                ExpertNode node = expert.nodes().get(i);
                groups.computeIfAbsent(new Target(node.baseUrl(), credential.apply(node)), target -> new ArrayList<>())
                        .add(new Member(expert, i));
            }
        }
        return groups;
    }
}
