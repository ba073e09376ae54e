package dev.llmc.gateway.proxy;

/**
 * One expert's node: the expert's id and the node's position in its list. Node state (health, in-flight requests,
 * circuit breaker) is keyed by this, never by a base URL, which several owners' experts may share.
 */
public record NodeKey(String expertId, int index) {
}
