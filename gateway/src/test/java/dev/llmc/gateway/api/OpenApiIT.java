package dev.llmc.gateway.api;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.http.annotation.Controller;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway serves its OpenAPI document without a key, and the document lists every route of every controller. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OpenApiIT extends EmbeddedGatewayTest {

    @Inject
    Router router;

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> paths() {
        Reply reply = http().send(http().request("/openapi/llmc.yml", null).GET());
        assertEquals(200, reply.status(), reply.body());
        Map<String, Object> document = new Yaml().load(reply.body());
        assertTrue(String.valueOf(document.get("openapi")).startsWith("3."), "an OpenAPI 3 document");
        return (Map<String, Map<String, Object>>) document.get("paths");
    }

    @Test
    void listsEveryControllerRoute() {
        Map<String, Map<String, Object>> paths = paths();
        List<UriRouteInfo<?, ?>> routes = router.uriRoutes().<UriRouteInfo<?, ?>>map(route -> route)
                .filter(route -> route instanceof MethodBasedRouteInfo<?, ?> method
                        && method.getTargetMethod().getDeclaringType().isAnnotationPresent(Controller.class)
                        && method.getTargetMethod().getDeclaringType().getPackageName().startsWith("dev.llmc.gateway"))
                // Micronaut answers HEAD for every GET by itself; the document lists the GET.
                .filter(route -> !route.getHttpMethodName().equals("HEAD"))
                .toList();
        assertTrue(routes.size() >= 20, "expected the gateway's routes, found " + routes.size());

        for (UriRouteInfo<?, ?> route : routes) {
            String path = route.getUriMatchTemplate().toPathString();
            String method = route.getHttpMethodName().toLowerCase(Locale.ROOT);
            assertTrue(paths.containsKey(path) && paths.get(path).containsKey(method), method + " " + path + " is not documented");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void documentsRequestBodiesAsTheirObjectsNotAsStrings() {
        Reply reply = http().send(http().request("/openapi/llmc.yml", null).GET());
        Map<String, Object> document = new Yaml().load(reply.body());
        Map<String, Map<String, Object>> schemas = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) document.get("components")).get("schemas");
        Map<String, List<String>> expectedFields = Map.of(
                "post /v1/chat/completions", List.of("model", "messages", "stream", "user", "metadata"),
                "post /chat", List.of("user_id", "conversation_id", "messages", "regenerate", "stream"),
                "post /feedback", List.of("message_id", "type", "value"),
                "post /keys", List.of("role", "owner", "requests_per_minute", "tokens_per_minute"),
                "post /experts", List.of("name", "description", "nodes"),
                "post /experts/bulk", List.of("experts"),
                "patch /experts/{id}", List.of("description", "nodes", "status"),
                "post /experiments", List.of("name", "unit", "traffic", "arms"),
                "patch /experiments/{id}", List.of("weights", "traffic"));

        for (Map.Entry<String, List<String>> entry : expectedFields.entrySet()) {
            String[] route = entry.getKey().split(" ");
            Map<String, Object> operation = (Map<String, Object>) paths().get(route[1]).get(route[0]);
            Map<String, Object> schema = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                    ((Map<String, Object>) operation.get("requestBody")).get("content")).get("application/json")).get("schema");
            String ref = String.valueOf(schema.get("$ref"));
            assertTrue(ref.startsWith("#/components/schemas/"), entry.getKey() + " body is documented as " + schema);
            Map<String, Object> body = schemas.get(ref.substring("#/components/schemas/".length()));
            assertEquals("object", body.get("type"), entry.getKey());
            assertEquals(Set.copyOf(entry.getValue()), ((Map<String, Object>) body.get("properties")).keySet(), entry.getKey());
        }
        Map<String, Object> messages = (Map<String, Object>) ((Map<String, Object>) schemas.get("ChatCompletionRequest")
                .get("properties")).get("messages");
        assertEquals("array", messages.get("type"));
        assertEquals("#/components/schemas/ChatMessage", ((Map<String, Object>) messages.get("items")).get("$ref"));
    }

    @Test
    void documentsTheBearerKeyAndSnakeCaseFields() {
        Reply reply = http().send(http().request("/openapi/llmc.yml", null).GET());

        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("scheme: bearer"), "the API key scheme in " + reply.body().length() + " characters");
        assertTrue(reply.body().contains("message_id:"), "field names as the API writes them");
    }
}
