package dev.llmc.gateway;

import dev.llmc.gateway.config.StartupRefusedException;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;

/** Starts the gateway; a refused start (missing configuration) prints one clear line instead of a stack trace. */
public final class GatewayApplication extends Micronaut {

    public static void main(String[] args) {
        // Models come from Maven artifacts; DJL must never try the network.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        new GatewayApplication().args(args).mainClass(GatewayApplication.class).banner(false).start();
    }

    @Override
    protected void handleStartupException(Environment environment, Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof StartupRefusedException refused) {
                System.err.println("error: " + refused.getMessage());
                System.exit(2);
            }
        }
        super.handleStartupException(environment, exception);
    }
}
