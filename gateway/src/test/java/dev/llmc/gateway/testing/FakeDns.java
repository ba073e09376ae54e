package dev.llmc.gateway.testing;

import dev.llmc.gateway.proxy.HostResolver;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DNS for tests that need a name to resolve to an address of their choosing (a metadata address, or a different
 * address on the second lookup, as in DNS rebinding); names it does not know go to the system resolver. Active when
 * a test sets {@code llmc.test.fake-dns=true}.
 */
@Singleton
@Replaces(HostResolver.class)
@Requires(property = "llmc.test.fake-dns", value = "true")
public final class FakeDns implements HostResolver {
    private static final Map<String, String> RECORDS = new ConcurrentHashMap<>();

    /** Makes {@code name} resolve to {@code address} from now on. */
    public static void set(String name, String address) {
        RECORDS.put(name, address);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        String address = RECORDS.get(host);
        return address == null ? List.of(InetAddress.getAllByName(host))
                : List.of(InetAddress.getByAddress(host, InetAddress.getByName(address).getAddress()));
    }
}
