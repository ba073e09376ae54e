package dev.llmc.gateway.console;

import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Headers on everything under {@code /console}: a Content-Security-Policy that lets the page load scripts, styles,
 * images and data from the gateway's own origin only (no inline script, no eval, no frames), so even text that
 * slipped into the page as markup could not run; no MIME sniffing, no referrer, and revalidation so an upgraded
 * gateway serves its new assets at once.
 */
@ServerFilter({"/console", "/console/**"})
final class ConsoleSecurityHeaders {
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @ResponseFilter
    void secure(MutableHttpResponse<?> response) {
        response.header("Content-Security-Policy", POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
        response.header("X-Frame-Options", "DENY");
        response.header("Cache-Control", "no-cache");
    }
}
