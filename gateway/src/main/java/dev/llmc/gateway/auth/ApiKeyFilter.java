package dev.llmc.gateway.auth;

import dev.llmc.gateway.api.ErrorBody;
import dev.llmc.gateway.config.AuthConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code Authorization: Bearer <key>} on every endpoint except health, metrics and the OpenAPI
 * document; the admin key from the environment is the only key for now.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class ApiKeyFilter implements Ordered {
    private static final String BEARER = "Bearer ";
    private final byte[] adminKey;

    ApiKeyFilter(AuthConfig config) {
        this.adminKey = config.adminKey().getBytes(StandardCharsets.UTF_8);
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (isPublic(request.getPath())) {
            return null;
        }
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return unauthorized("missing API key: send the header 'Authorization: Bearer <key>'");
        }
        byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison so response timing does not reveal how much of a guess was right.
        if (!MessageDigest.isEqual(presented, adminKey)) {
            return unauthorized("invalid API key");
        }
        request.setAttribute(Caller.ATTRIBUTE, new Caller("admin", Caller.Role.ADMIN));
        return null;
    }

    static boolean isPublic(String path) {
        return path.equals("/health") || path.startsWith("/health/")
                || path.equals("/prometheus")
                || path.equals("/openapi") || path.startsWith("/openapi/");
    }

    private static HttpResponse<?> unauthorized(String message) {
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .body(ErrorBody.of(HttpStatus.UNAUTHORIZED, "invalid_api_key", message));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
