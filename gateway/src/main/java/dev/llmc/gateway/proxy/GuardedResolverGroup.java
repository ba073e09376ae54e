package dev.llmc.gateway.proxy;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The node HTTP client's name resolution: every connection resolves its host through {@link NodeAddressPolicy} at
 * connect time, so a name that passed the check at registration and later re-resolves to a forbidden address (DNS
 * rebinding), or a redirect to one, fails to connect.
 */
final class GuardedResolverGroup extends AddressResolverGroup<InetSocketAddress> {
    private final NodeAddressPolicy policy;

    GuardedResolverGroup(NodeAddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetNameResolver(executor) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                try {
                    promise.setSuccess(policy.resolveAllowed(host).getFirst());
                } catch (UnknownHostException e) {
                    promise.setFailure(e);
                }
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                try {
                    promise.setSuccess(policy.resolveAllowed(host));
                } catch (UnknownHostException e) {
                    promise.setFailure(e);
                }
            }
        }.asAddressResolver();
    }
}
