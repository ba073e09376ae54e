package dev.llmc.gateway.ratelimit;

/** The limits in force for one key, per minute; 0 is unlimited. Each is also its bucket's capacity (the burst). */
record Limits(long requestsPerMinute, long tokensPerMinute) {

    boolean unlimited() {
        return requestsPerMinute == 0 && tokensPerMinute == 0;
    }
}
