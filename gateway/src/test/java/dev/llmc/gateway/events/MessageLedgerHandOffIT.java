package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A batch handed to the shared Redis buffer may be replayed into PostgreSQL by another replica, which never tells
 * this one: the ledger must forget it anyway (bounded memory) while the Redis index keeps answering for it.
 */
@MicronautTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MessageLedgerHandOffIT extends EmbeddedGatewayTest {
    @Inject
    MessageLedger ledger;

    private static Exposure exposure(String messageId, String owner, String conversation) {
        return new Exposure(messageId, owner, "u1", conversation, 1, null, null, "content", "exp_1", "general",
                1.0, 1.0, null, 5, Instant.now(), null, "greedy", null);
    }

    @Test
    void batchesHandedToTheRedisBufferLeaveMemoryAndStayKnownThroughTheIndex() {
        int before = ledger.pending();
        List<dev.llmc.abtest.event.Event> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Exposure served = exposure("msg_handoff_" + i, "shop-a", "c-handoff-" + i);
            ledger.served(served);
            batch.add(served);
        }
        Signal rating = new Signal("msg_handoff_0", SignalType.RATING, 4f, Instant.now());
        assertInstanceOf(MessageLedger.Claim.Accepted.class, ledger.claim(rating));
        batch.add(rating);
        assertEquals(before + 501, ledger.pending());

        ledger.handedOff(batch);

        assertEquals(before, ledger.pending());
        assertEquals(Optional.of("shop-a"), ledger.owner("msg_handoff_499"));
        assertInstanceOf(MessageLedger.Claim.Repeated.class, ledger.claim(new Signal("msg_handoff_0", SignalType.RATING, 4f, Instant.now())));
        assertInstanceOf(MessageLedger.Claim.Conflicting.class, ledger.claim(new Signal("msg_handoff_0", SignalType.RATING, 2f, Instant.now())));
        assertEquals(Optional.of("msg_handoff_7"), ledger.lastMessage(new OwnedId("shop-a", "c-handoff-7"), 1));
        assertEquals(Optional.empty(), ledger.lastMessage(new OwnedId("shop-b", "c-handoff-7"), 1));
    }
}
