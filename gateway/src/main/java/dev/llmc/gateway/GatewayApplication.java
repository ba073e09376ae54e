package dev.llmc.gateway;

import dev.llmc.gateway.config.StartupRefusedException;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Starts the gateway; a refused start (missing configuration) prints one clear line instead of a stack trace. */
@OpenAPIDefinition(
        info = @Info(title = "LLM Controller gateway", version = "0.1",
                description = "Routes conversations to community-built expert LLMs; OpenAI-compatible chat, experts, "
                        + "feedback, experiments, API keys and controller versions."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <API key>")
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
