package dev.llmc.gateway.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Two token buckets per API key, one of requests and one of tokens, each refilled continuously at its limit per
 * minute up to that limit. A request takes one request token and is refused while either bucket is empty. A chat turn
 * reserves the tokens it expects when admitted and settles with what it used when it ends; the token bucket may go
 * negative, by at most one reservation from turns admitted together (admission needs a positive bucket), and further
 * when a reply used more than was reserved.
 */
interface TokenBuckets {

    /** Takes a request from the key's buckets: completes with 0 when allowed, else the milliseconds until it would be. */
    CompletionStage<Long> acquire(String keyId, Limits limits);

    /**
     * Takes {@code tokens} from the key's token bucket if it holds any: completes with 0 when it did, else the
     * milliseconds until the bucket is positive again.
     */
    CompletionStage<Long> reserve(String keyId, Limits limits, long tokens);

    /** Takes {@code tokens} from the key's token bucket (a negative count refunds them, up to the bucket's capacity). */
    void charge(String keyId, Limits limits, long tokens);
}
