package dev.llmc.gateway.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeAddressPolicyTest {
    private static final HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    private final NodeAddressPolicy strict = new NodeAddressPolicy(false, false, SYSTEM);
    private final NodeAddressPolicy permissive = new NodeAddressPolicy(true, true, SYSTEM);

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "169.254.170.2", "169.254.0.1", "fe80::1", "100.100.100.200",
            "192.0.0.192", "168.63.129.16", "fd00:ec2::254", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1", "::169.254.169.254", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "0.1.2.3"})
    void refusesMetadataLinkLocalAndUnroutableAddressesEvenWhenPrivateRangesAreAllowed(String address) throws UnknownHostException {
        assertTrue(permissive.problem(ip(address)).isPresent(), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"})
    void refusesLoopbackUnlessAllowed(String address) throws UnknownHostException {
        assertTrue(strict.problem(ip(address)).orElseThrow().contains("allow-loopback"));
        assertTrue(permissive.problem(ip(address)).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "fc00::1",
            "fd12:3456::1", "::ffff:10.1.2.3", "64:ff9b::a00:1"})
    void refusesPrivateRangesUnlessAllowed(String address) throws UnknownHostException {
        assertTrue(strict.problem(ip(address)).orElseThrow().contains("allow-private"), address);
        assertTrue(permissive.problem(ip(address)).isEmpty(), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111"})
    void allowsPublicAddresses(String address) throws UnknownHostException {
        assertTrue(strict.problem(ip(address)).isEmpty(), address);
    }

    @Test
    void refusesAHostWhenAnyOfItsAddressesIsForbidden() throws UnknownHostException {
        InetAddress good = ip("8.8.8.8");
        InetAddress metadata = ip("169.254.169.254");
        NodeAddressPolicy policy = new NodeAddressPolicy(false, false, host -> List.of(good, metadata));

        BlockedAddressException e = assertThrows(BlockedAddressException.class, () -> policy.resolveAllowed("mixed.example"));
        assertEquals("mixed.example resolves to 169.254.169.254, a link-local address (cloud metadata services live there)",
                e.getMessage());
    }

    @Test
    void hostResolvingToNothingIsUnknown() {
        NodeAddressPolicy policy = new NodeAddressPolicy(false, false, host -> List.of());

        assertThrows(UnknownHostException.class, () -> policy.resolveAllowed("empty.example"));
    }
}
