package dev.llmc.gateway.proxy;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-ahead asks the node for more only while less than its limit waits unread, and passes every piece in order. */
class BoundedReadAheadTest {
    private static final int PIECE = 1000;

    @Test
    void readsUpToTheLimitAheadOfTheSubscriberAndMoreAsItTakes() {
        AtomicInteger produced = new AtomicInteger();
        Flux<byte[]> node = Flux.range(0, 100).map(i -> {
            produced.incrementAndGet();
            byte[] piece = new byte[PIECE];
            piece[0] = i.byteValue();
            return piece;
        });
        List<Integer> taken = new ArrayList<>();
        BaseSubscriber<byte[]> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                // Takes nothing yet.
            }

            @Override
            protected void hookOnNext(byte[] piece) {
                taken.add((int) piece[0]);
            }
        };

        BoundedReadAhead.of(node, 4096).subscribe(slow);
        assertEquals(5, produced.get(), "4,000 bytes waiting is under the limit, 5,000 is not: then reading stops");

        slow.request(2);
        assertEquals(List.of(0, 1), taken);
        assertEquals(7, produced.get(), "two pieces taken, two more read: again just past the limit");

        slow.request(Long.MAX_VALUE);
        assertEquals(100, taken.size());
        for (int i = 0; i < taken.size(); i++) {
            assertEquals(i, taken.get(i), "in order");
        }
        assertTrue(slow.isDisposed(), "completed");
    }
}
