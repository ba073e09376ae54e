package dev.llmc.gateway.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a node's host name to addresses: the seam where the SSRF checks look up names (tests substitute their own DNS). */
public interface HostResolver {

    /** Every address the name resolves to (an IP literal resolves to itself). */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
