package dev.llmc.gateway.auth;

import dev.llmc.gateway.api.ErrorMapping;
import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requires {@code Authorization: Bearer <key>} on every endpoint except health, metrics, the OpenAPI
 * document and the console's static files (401 otherwise), then checks the endpoint's {@link RequiresRole} (403 otherwise). Keys are checked
 * against an in-memory table, never the database.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class ApiKeyFilter implements Ordered {
    private static final String BEARER = "Bearer ";
    private final ApiKeyCache keys;
    private final ErrorMapping errors;
    // Routes are fixed at start-up; their roles are looked up once.
    private final Map<RouteInfo<?>, Caller.Role[]> allowedRoles = new ConcurrentHashMap<>();

    ApiKeyFilter(ApiKeyCache keys, ErrorMapping errors) {
        this.keys = keys;
        this.errors = errors;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (isPublic(request.getPath())) {
            return null;
        }
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return errors.response(request, new AuthenticationException("missing API key: send the header 'Authorization: Bearer <key>'"));
        }
        Optional<Caller> caller = keys.authenticate(header.substring(BEARER.length()).trim());
        if (caller.isEmpty()) {
            return errors.response(request, new AuthenticationException("invalid API key"));
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
        Optional<RouteInfo<?>> route = RouteAttributes.getRouteInfo(request);
        // Unknown routes fall through to the router's 404; only the roles of real endpoints matter.
        if (route.isPresent() && !allowed(caller.get().role(), route.get())) {
            return errors.response(request, new InsufficientRoleException("a key with role '" + caller.get().role().wireName()
                    + "' may not call " + request.getMethodName() + " " + request.getPath()));
        }
        return null;
    }

    boolean allowed(Caller.Role role, RouteInfo<?> route) {
        return role == Caller.Role.ADMIN || Arrays.asList(allowedRoles.computeIfAbsent(route, ApiKeyFilter::declaredRoles)).contains(role);
    }

    /** The method's {@link RequiresRole}, else its controller's; none means admin only. */
    private static Caller.Role[] declaredRoles(RouteInfo<?> route) {
        AnnotationMetadata metadata = route.getAnnotationMetadata();
        Caller.Role[] onMethod = metadata.getDeclaredMetadata().enumValues(RequiresRole.class, Caller.Role.class);
        if (onMethod.length > 0) {
            return onMethod;
        }
        if (route instanceof MethodBasedRouteInfo<?, ?> method) {
            RequiresRole onClass = method.getTargetMethod().getDeclaringType().getAnnotation(RequiresRole.class);
            if (onClass != null) {
                return onClass.value();
            }
        }
        return metadata.enumValues(RequiresRole.class, Caller.Role.class);
    }

    static boolean isPublic(String path) {
        return path.equals("/health") || path.startsWith("/health/")
                || path.equals("/prometheus")
                || path.equals("/openapi") || path.startsWith("/openapi/")
                // The console's static files only (no endpoint lives there): its data comes from the API with a key.
                || path.equals("/console") || path.startsWith("/console/");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
