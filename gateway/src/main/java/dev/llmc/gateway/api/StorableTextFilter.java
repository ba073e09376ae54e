package dev.llmc.gateway.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;

import java.util.List;
import java.util.Map;

/**
 * The URL's share of {@link StorableText}: path variables (ids that are looked up in PostgreSQL, e.g.
 * {@code /experts/{id}} with {@code %00}) and query parameters are refused with a 400 naming them before any
 * controller sees them, so an id PostgreSQL cannot even compare is never taken for a database outage (503).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class StorableTextFilter implements Ordered {
    private final ErrorMapping errors;

    StorableTextFilter(ErrorMapping errors) {
        this.errors = errors;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> refuseUnstorableText(HttpRequest<?> request) {
        try {
            for (Map.Entry<String, List<String>> parameter : request.getParameters()) {
                // A name that is itself unstorable cannot be echoed back as param.
                StorableText.require("query", parameter.getKey());
                for (String value : parameter.getValue()) {
                    StorableText.require(parameter.getKey(), value);
                }
            }
            // Path variables as the controller will see them, decoded ("%00" is U+0000 by now).
            RouteAttributes.getRouteMatch(request)
                    .filter(UriRouteMatch.class::isInstance)
                    .map(match -> ((UriRouteMatch<?, ?>) match).getVariableValues())
                    .ifPresent(variables -> variables.forEach((name, value) ->
                            StorableText.require(name, value == null ? null : value.toString())));
        } catch (InvalidRequestException refused) {
            return errors.response(request, refused);
        }
        return null;
    }

    @Override
    public int getOrder() {
        // After authentication: a caller without a key learns nothing about what the URL holds.
        return ServerFilterPhase.SECURITY.after();
    }
}
