package dev.llmc.gateway.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tokens taken from a key's bucket when a chat turn was admitted, before anyone knew what the reply would cost. The
 * turn settles it once, when its reply ends, fails or is abandoned: the bucket is then charged what the turn used in
 * place of what was reserved (refunding the difference when it used less).
 */
public final class TokenReservation {
    /** The reservation of a key without a tokens-per-minute limit: nothing to settle. */
    static final TokenReservation UNLIMITED = new TokenReservation(null, null, null, 0);
    private final TokenBuckets buckets;
    private final String keyId;
    private final Limits limits;
    private final long reserved;
    private final AtomicBoolean settled = new AtomicBoolean();

    TokenReservation(TokenBuckets buckets, String keyId, Limits limits, long reserved) {
        this.buckets = buckets;
        this.keyId = keyId;
        this.limits = limits;
        this.reserved = reserved;
    }

    /** Charges {@code usedTokens} in place of the reservation; only the first call counts. */
    public void settle(long usedTokens) {
        if (buckets != null && settled.compareAndSet(false, true) && usedTokens != reserved) {
            buckets.charge(keyId, limits, usedTokens - reserved);
        }
    }
}
