package dev.llmc.gateway.experts;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registry write endpoints answer 4xx naming the offending field, never 500. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertBadInputIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("node");
    private String id;

    @BeforeAll
    void registerOne() {
        id = http().registerExpert("existing", "Existing expert.", node.baseUrl()).get("id").asText();
    }

    private void assertRejected(Reply reply, String messagePart) {
        assertEquals(400, reply.status(), reply.body());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText());
        assertTrue(reply.json().at("/error/message").asText().contains(messagePart),
                reply.json().at("/error/message").asText() + " should contain " + messagePart);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty description     | {"name": "a1", "description": "  ", "nodes": [{"base_url": "NODE"}]}                 | description
            missing nodes         | {"name": "a2", "description": "d"}                                                   | nodes
            empty nodes           | {"name": "a3", "description": "d", "nodes": []}                                      | nodes
            malformed url         | {"name": "a4", "description": "d", "nodes": [{"base_url": "not a url"}]}             | nodes[0].base_url
            weight zero           | {"name": "a5", "description": "d", "nodes": [{"base_url": "NODE", "weight": 0}]}     | nodes[0].weight
            weight not a number   | {"name": "a6", "description": "d", "nodes": [{"base_url": "NODE", "weight": "x"}]}   | weight
            blank api key         | {"name": "a7", "description": "d", "nodes": [{"base_url": "NODE", "api_key": " "}]}  | nodes[0].api_key
            unknown node field    | {"name": "a8", "description": "d", "nodes": [{"base_url": "NODE", "port": 1}]}       | unknown field 'port'
            bad name              | {"name": "Bad Name", "description": "d", "nodes": [{"base_url": "NODE"}]}            | name
            unresolvable host     | {"name": "a9", "description": "d", "nodes": [{"base_url": "http://no-such-host.invalid/v1"}]} | does not resolve
            """)
    void registerRejects(String caseName, String body, String messagePart) {
        assertRejected(http().post("/experts", body.replace("NODE", node.baseUrl())), messagePart);
    }

    private static final String BULK_ONE = """
            {"name": "%s", "description": "d", "nodes": [{"base_url": "%s"}]}""";

    static Stream<Arguments> badBulkRegistrations() {
        return Stream.of(
                Arguments.of("no list", "{}", "'experts' must list 1 to 1000 experts", "experts"),
                Arguments.of("empty list", "{\"experts\": []}", "'experts' must list 1 to 1000 experts", "experts"),
                Arguments.of("null entry", "{\"experts\": [null]}", "experts[0] must not be null", "experts[0]"),
                Arguments.of("null node", "{\"experts\": [{\"name\": \"b0\", \"description\": \"d\", \"nodes\": [null]}]}",
                        "experts[0].nodes[0] must not be null", ""),
                Arguments.of("second name bad", bulk(BULK_ONE.formatted("b1", "NODE"), BULK_ONE.formatted("auto", "NODE")),
                        "experts[1].name 'auto' is reserved", "experts[1].name"),
                Arguments.of("name repeated", bulk(BULK_ONE.formatted("b2", "NODE"), BULK_ONE.formatted("b2", "NODE")),
                        "experts[1].name 'b2' appears earlier", "experts[1].name"),
                Arguments.of("second url bad", bulk(BULK_ONE.formatted("b3", "NODE"), BULK_ONE.formatted("b4", "not a url")),
                        "experts[1].nodes[0].base_url", "experts[1].nodes[0].base_url"),
                Arguments.of("unresolvable host", bulk(BULK_ONE.formatted("b5", "http://no-such-host.invalid/v1")),
                        "experts[0].nodes[0].base_url host 'no-such-host.invalid' does not resolve", "experts[0].nodes[0].base_url"));
    }

    private static String bulk(String... experts) {
        return "{\"experts\": [" + String.join(", ", experts) + "]}";
    }

    @ParameterizedTest(name = "bulk: {0}")
    @MethodSource("badBulkRegistrations")
    void bulkRegisterRejectsNamingTheExpertAndStoresNone(String caseName, String body, String messagePart, String param) {
        Reply reply = http().post("/experts/bulk", body.replace("NODE", node.baseUrl()));

        assertRejected(reply, messagePart);
        if (!param.isEmpty()) {
            assertEquals(param, reply.json().at("/error/param").asText(), reply.body());
        }
        assertEquals(1, http().get("/experts").json().get("data").size(), "nothing stored");
    }

    @Test
    void bulkRegisterOfATakenNameIsAConflictAndStoresNone() {
        Reply reply = http().post("/experts/bulk", """
                {"experts": [{"name": "c1", "description": "d", "nodes": [{"base_url": "%1$s"}]},
                             {"name": "existing", "description": "d", "nodes": [{"base_url": "%1$s"}]}]}""".formatted(node.baseUrl()));

        assertEquals(409, reply.status(), reply.body());
        assertEquals("expert_exists", reply.json().at("/error/code").asText());
        assertTrue(reply.json().at("/error/message").asText().contains("'existing'"), reply.body());
        assertEquals(1, http().get("/experts").json().get("data").size(), "nothing stored");
    }

    @Test
    void bulkRegisterIsForAdminsOnlyAndAtMostAThousandAtOnce() {
        String one = """
                {"experts": [{"name": "d1", "description": "d", "nodes": [{"base_url": "%s"}]}]}""".formatted(node.baseUrl());
        assertEquals(403, issueKey("developer", "dev-bulk").post("/experts/bulk", one).status());

        StringBuilder tooMany = new StringBuilder("{\"experts\": [");
        for (int i = 0; i <= 1000; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"name\": \"e").append(i).append("\", \"description\": \"d\", \"nodes\": [{\"base_url\": \"")
                    .append(node.baseUrl()).append("\"}]}");
        }
        assertRejected(http().post("/experts/bulk", tooMany.append("]}").toString()), "'experts' must list 1 to 1000 experts");
    }

    @Test
    void registerRejectsOversizedDescription() {
        assertRejected(http().post("/experts", """
                {"name": "big", "description": "%s", "nodes": [{"base_url": "%s"}]}""".formatted("x".repeat(4001), node.baseUrl())),
                "description must be at most");
    }

    @Test
    void registerRejectsTooManyNodes() {
        String nodes = String.join(",", java.util.Collections.nCopies(65, "{\"base_url\": \"" + node.baseUrl() + "\"}"));
        assertRejected(http().post("/experts", """
                {"name": "many", "description": "d", "nodes": [%s]}""".formatted(nodes)), "nodes must list 1 to 64");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty patch         | {}                                  | must change at least one
            unknown status      | {"status": "deleted"}               | status must be one of
            pending status      | {"status": "pending"}               | status must be one of
            unknown field       | {"name": "renamed"}                 | unknown field 'name'
            empty nodes         | {"nodes": []}                       | nodes
            blank description   | {"description": ""}                 | description
            """)
    void patchRejects(String caseName, String body, String messagePart) {
        assertRejected(http().patch("/experts/" + id, body), messagePart);
    }
}
