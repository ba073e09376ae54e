package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InProcessMessageIndexTest {
    private final InProcessMessageIndex index = new InProcessMessageIndex();

    private static Exposure served(String messageId, String owner, String conversation, int turn) {
        return new Exposure(messageId, owner, "u1", conversation, turn, null, null, "content", "exp_1", "general",
                1.0, 1.0, null, 5, Instant.EPOCH, null, "greedy", null);
    }

    @Test
    void conversationsAreKeyedByOwnerAndTheLatestTurnWins() {
        index.add(served("m1", "shop-a", "c1", 1));
        index.add(served("m2", "shop-a", "c1", 2));
        index.add(served("m3", "shop-b", "c1", 1));

        assertEquals(Optional.of(new MessageIndex.LastMessage("m2", 2)), index.latest("shop-a:c1"));
        assertEquals(Optional.of(new MessageIndex.LastMessage("m3", 1)), index.latest("shop-b:c1"));
        assertEquals(Optional.of("shop-b"), index.owner("m3"));
        assertEquals(Optional.empty(), index.owner("m4"));
    }

    @Test
    void forgettingAnOlderTurnKeepsTheConversationsLatest() {
        Exposure first = served("m1", "shop-a", "c1", 1);
        Exposure second = served("m2", "shop-a", "c1", 2);
        index.add(first);
        index.add(second);

        index.forget(List.of(first));

        assertEquals(Optional.empty(), index.owner("m1"));
        assertEquals(Optional.of(new MessageIndex.LastMessage("m2", 2)), index.latest("shop-a:c1"));
        assertEquals(1, index.size());
    }

    @Test
    void aSecondClaimSeesTheFirstUntilItIsWithdrawnOrForgotten() {
        Signal four = new Signal("m1", SignalType.RATING, 4f, Instant.EPOCH);
        Signal two = new Signal("m1", SignalType.RATING, 2f, Instant.EPOCH);

        assertEquals(Optional.empty(), index.claimIfAbsent(four));
        assertEquals(Optional.of(new MessageIndex.EarlierClaim(4f)), index.claimIfAbsent(two));
        index.withdraw(four);
        assertEquals(Optional.empty(), index.claimIfAbsent(two));
        index.forget(List.of(two));
        assertEquals(0, index.size());
    }
}
