package dev.llmc.gateway.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Two token buckets per API key, one of requests and one of tokens, each refilled continuously at its limit per
 * minute up to that limit. A request takes one request token and is refused while either bucket is empty (the
 * token bucket may go negative, because a reply's size is only known after it was served).
 */
interface TokenBuckets {

    /** Takes a request from the key's buckets: completes with 0 when allowed, else the milliseconds until it would be. */
    CompletionStage<Long> acquire(String keyId, Limits limits);

    /** Charges the tokens a served reply used to the key's token bucket. */
    void charge(String keyId, Limits limits, long tokens);
}
