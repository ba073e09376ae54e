package dev.llmc.gateway.auth;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link RequiresRole} on a controller applies to its endpoints; on a method it overrides the class; admins always pass. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequiresRoleIT extends EmbeddedGatewayTest {
    private GatewayHttp app;
    private GatewayHttp scientist;

    /** The shape the experiments and controller-version endpoints take: data scientists read, one action is admin-only. */
    @Controller("/role-probe")
    @Requires(property = "llmc.test.role-probe", value = "true")
    @RequiresRole(Caller.Role.DATA_SCIENTIST)
    static final class RoleProbeController {
        @Get
        String read() {
            return "read";
        }

        @Post("/activate")
        @RequiresRole(Caller.Role.ADMIN)
        String activate() {
            return "activated";
        }

        @Get("/open")
        @RequiresRole({Caller.Role.APP, Caller.Role.DEVELOPER, Caller.Role.DATA_SCIENTIST})
        String open() {
            return "open";
        }
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.test.role-probe", "true");
    }

    private String issue(String role) {
        return http().post("/keys", """
                {"role": "%s", "owner": "probe"}""".formatted(role)).json().get("key").asText();
    }

    @BeforeAll
    void issueKeys() {
        app = http(issue("app"));
        scientist = http(issue("data-scientist"));
    }

    @Test
    void classLevelRoleAdmitsThatRoleAndRejectsOthers() {
        assertEquals(200, scientist.get("/role-probe").status());
        assertEquals(403, app.get("/role-probe").status());
    }

    @Test
    void methodLevelRoleOverridesTheClass() {
        assertEquals(403, scientist.post("/role-probe/activate", "").status());
        assertEquals(200, http().post("/role-probe/activate", "").status());
        assertEquals(200, app.get("/role-probe/open").status());
    }
}
