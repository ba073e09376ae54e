package dev.llmc.gateway.proxy;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a node's byte stream ahead of its caller, at most {@code limit} bytes ahead: reading goes on while the caller
 * keeps up, and once {@code limit} bytes wait that the caller has not taken, nothing more is asked of the node until it
 * catches up. Micronaut's client reads the connection only on demand, so the node is then held by TCP flow control
 * instead of filling the gateway's memory.
 */
final class BoundedReadAhead extends BaseSubscriber<byte[]> {
    private final long limit;
    // Filled by at most one request to the node beyond the limit: what the caller has not taken yet.
    private final Sinks.Many<byte[]> ahead = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicLong waiting = new AtomicLong();
    // One request for one piece at a time, so requests to the node never overlap.
    private final AtomicBoolean reading = new AtomicBoolean();

    private BoundedReadAhead(long limit) {
        this.limit = limit;
    }

    /** {@code source} read at most {@code limit} bytes ahead of the returned stream's subscriber. */
    static Flux<byte[]> of(Publisher<byte[]> source, long limit) {
        return Flux.defer(() -> {
            BoundedReadAhead reader = new BoundedReadAhead(limit);
            return reader.ahead.asFlux()
                    .doOnSubscribe(subscription -> source.subscribe(reader))
                    .doOnNext(reader::taken)
                    .doOnCancel(reader::dispose);
        });
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        readMore();
    }

    @Override
    protected void hookOnNext(byte[] bytes) {
        waiting.addAndGet(bytes.length);
        reading.set(false);
        ahead.tryEmitNext(bytes);
        readMore();
    }

    @Override
    protected void hookOnComplete() {
        ahead.tryEmitComplete();
    }

    @Override
    protected void hookOnError(Throwable error) {
        ahead.tryEmitError(error);
    }

    private void taken(byte[] bytes) {
        waiting.addAndGet(-bytes.length);
        readMore();
    }

    // Both sides re-check after their own update, so a piece taken while one arrives cannot leave reading stalled.
    private void readMore() {
        if (waiting.get() < limit && reading.compareAndSet(false, true)) {
            request(1);
        }
    }
}
