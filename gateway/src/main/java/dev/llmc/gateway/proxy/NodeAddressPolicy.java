package dev.llmc.gateway.proxy;

import dev.llmc.gateway.config.NodesConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Server-side request forgery guard for expert nodes: which resolved addresses the gateway may connect to. Cloud
 * metadata, link-local, unspecified, multicast and broadcast addresses are always refused; loopback and private
 * ranges only when {@code llmc.nodes.allow-loopback} / {@code allow-private} say so. IPv6 forms that embed an IPv4
 * address (mapped, compatible, NAT64, 6to4) are judged by that IPv4 address.
 */
@Singleton
public final class NodeAddressPolicy {
    // AWS/GCP/Azure/OpenStack 169.254.169.254 is link-local anyway; these are the metadata endpoints outside it.
    private static final Set<String> METADATA = Set.of(
            "100.100.100.200",  // Alibaba Cloud
            "192.0.0.192",      // Oracle Cloud (classic)
            "168.63.129.16",    // Azure wire server
            "fd00:ec2:0:0:0:0:0:254"); // AWS IMDS over IPv6
    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final HostResolver resolver;

    @Inject
    NodeAddressPolicy(NodesConfig config, HostResolver resolver) {
        this(config.allowLoopback(), config.allowPrivate(), resolver);
    }

    NodeAddressPolicy(boolean allowLoopback, boolean allowPrivate, HostResolver resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Resolves {@code host} and returns its addresses if every one of them is allowed; a single bad answer refuses the host. */
    public List<InetAddress> resolveAllowed(String host) throws UnknownHostException {
        List<InetAddress> addresses = resolver.resolve(host);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host + " resolves to no address");
        }
        for (InetAddress address : addresses) {
            Optional<String> problem = problem(address);
            if (problem.isPresent()) {
                throw new BlockedAddressException(host + " resolves to " + address.getHostAddress() + ", " + problem.get());
            }
        }
        return addresses;
    }

    /** Why the gateway must not connect to this address, or empty when it may. */
    public Optional<String> problem(InetAddress address) {
        InetAddress judged = embeddedIpv4(address).orElse(address);
        if (METADATA.contains(judged.getHostAddress())) {
            return Optional.of("a cloud metadata address");
        }
        if (judged.isLinkLocalAddress()) {
            return Optional.of("a link-local address (cloud metadata services live there)");
        }
        if (judged.isAnyLocalAddress() || judged.isMulticastAddress() || isReservedIpv4(judged)) {
            return Optional.of("an address no expert node can have");
        }
        if (judged.isLoopbackAddress()) {
            return allowLoopback ? Optional.empty()
                    : Optional.of("a loopback address (allow with llmc.nodes.allow-loopback)");
        }
        if (isPrivate(judged)) {
            return allowPrivate ? Optional.empty()
                    : Optional.of("a private address (allow with llmc.nodes.allow-private)");
        }
        return Optional.empty();
    }

    private static boolean isReservedIpv4(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        byte[] b = address.getAddress();
        // 0.0.0.0/8 ("this network") and 240.0.0.0/4 (reserved, including broadcast).
        return b[0] == 0 || (b[0] & 0xf0) == 0xf0;
    }

    private static boolean isPrivate(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 10
                    || (first == 172 && second >= 16 && second <= 31)
                    || (first == 192 && second == 168)
                    || (first == 100 && second >= 64 && second <= 127)   // carrier-grade NAT
                    || (first == 198 && (second == 18 || second == 19)); // benchmarking
        }
        // fc00::/7 unique local, fec0::/10 deprecated site-local.
        return (b[0] & 0xfe) == 0xfc || address.isSiteLocalAddress();
    }

    /** The IPv4 address an IPv6 address carries, for the forms that route to it. */
    static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        try {
            if (isZero(b, 0, 12) && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1))) {
                return Optional.of(InetAddress.getByAddress(slice(b, 12)));  // ::a.b.c.d (IPv4-compatible)
            }
            if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return Optional.of(InetAddress.getByAddress(slice(b, 12)));  // ::ffff:a.b.c.d
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return Optional.of(InetAddress.getByAddress(slice(b, 12)));  // 64:ff9b::/96 NAT64
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                return Optional.of(InetAddress.getByAddress(slice(b, 2)));   // 2002::/16 6to4
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
        return Optional.empty();
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] bytes, int from) {
        return new byte[] {bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3]};
    }
}
