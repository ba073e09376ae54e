package dev.llmc.gateway.proxy;

import java.net.UnknownHostException;

/**
 * A node's host resolves to an address the gateway must not call (link-local, cloud metadata, or a private or loopback
 * range the operator has not allowed). An {@link UnknownHostException} so that the HTTP client fails the connection.
 */
public final class BlockedAddressException extends UnknownHostException {
    public BlockedAddressException(String message) {
        super(message);
    }
}
