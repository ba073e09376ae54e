package dev.llmc.gateway.proxy;

import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProbeGroupsTest {
    /** Stands in for the cipher: the "sealed" text is the key itself, so equal texts are equal keys. */
    private static final Function<ExpertNode, String> CREDENTIAL = node -> node.encryptedApiKey() == null ? "" : node.encryptedApiKey();

    private static Expert expert(String id, ExpertNode... nodes) {
        return new Expert(id, id, "d", "o", ExpertStatus.ACTIVE, new float[] {1}, List.of(nodes), Instant.EPOCH);
    }

    @Test
    void manyExpertsOnOneUrlWithOneKeyShareOneProbe() {
        List<Expert> experts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            experts.add(expert("exp_" + i, new ExpertNode("http://shared/v1", "m" + i, 1, "key")));
        }

        Map<ProbeGroups.Target, List<ProbeGroups.Member>> groups = ProbeGroups.of(experts, CREDENTIAL);

        assertEquals(1, groups.size());
        assertEquals(10_000, groups.values().iterator().next().size());
    }

    @Test
    void aDifferentKeyOnTheSameUrlIsProbedOnItsOwn() {
        Expert alpha = expert("alpha", new ExpertNode("http://shared/v1", "m", 1, "right"));
        Expert beta = expert("beta", new ExpertNode("http://shared/v1", "m", 1, "wrong"));
        Expert gamma = expert("gamma", new ExpertNode("http://shared/v1", "m"));

        Map<ProbeGroups.Target, List<ProbeGroups.Member>> groups = ProbeGroups.of(List.of(alpha, beta, gamma), CREDENTIAL);

        assertEquals(3, groups.size());
        assertEquals(List.of(new ProbeGroups.Member(beta, 0)),
                groups.get(new ProbeGroups.Target("http://shared/v1", "wrong")));
    }

    @Test
    void everyNodeOfAnExpertIsAMemberByIndex() {
        Expert expert = expert("e", new ExpertNode("http://a/v1", "m"), new ExpertNode("http://b/v1", "m"),
                new ExpertNode("http://a/v1", "other-model"));

        Map<ProbeGroups.Target, List<ProbeGroups.Member>> groups = ProbeGroups.of(List.of(expert), CREDENTIAL);

        assertEquals(List.of(new ProbeGroups.Member(expert, 0), new ProbeGroups.Member(expert, 2)),
                groups.get(new ProbeGroups.Target("http://a/v1", "")));
        assertEquals(List.of(new ProbeGroups.Member(expert, 1)), groups.get(new ProbeGroups.Target("http://b/v1", "")));
    }
}
