package dev.llmc.gateway.config;

/** The gateway refuses to start because its configuration is missing or invalid; the message tells the operator what to set. */
public final class StartupRefusedException extends RuntimeException {
    public StartupRefusedException(String message) {
        super(message);
    }
}
