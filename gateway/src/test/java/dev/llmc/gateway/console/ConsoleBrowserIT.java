package dev.llmc.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.GatewayHttp;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (headless Chromium) against the whole gateway on embedded PostgreSQL and Redis with
 * fake expert nodes: sign-in per role, experiments with arms that differ, expert registration with a validation
 * error, keys, and the playground's streamed reply and rating. One browser serves every test, in order; each view
 * is screenshotted to target/console-screenshots/ and checked with axe-core (WCAG 2.1 A/AA) and for text below AA contrast.
 */
@MicronautTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleBrowserIT extends EmbeddedGatewayTest {
    private static final int USERS = 60;
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    private Browser browser;
    private final Map<String, GatewayHttp> keys = new java.util.HashMap<>();
    private final Map<String, String> secrets = new java.util.HashMap<>();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.cold-start.share", "0");
    }

    @BeforeAll
    void start() {
        http().registerExpert("alpha", "Cooking: recipes, baking bread, pasta and sauces.", fakeNode("alpha").baseUrl());
        http().registerExpert("beta", "Programming: Java, Python, debugging and stack traces.", fakeNode("beta").baseUrl());
        for (String role : List.of("app", "developer", "data-scientist")) {
            GatewayHttp.Reply reply = http().post("/keys", "{\"role\": \"%s\", \"owner\": \"%s-owner\"}".formatted(role, role));
            secrets.put(role, reply.json().get("key").asText());
            keys.put(role, http(reply.json().get("key").asText()));
        }
        secrets.put("admin", ADMIN_KEY);
        browser = new Browser(server.getURI().toString().replaceAll("/$", ""));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void assetsNeedNoKeyCarryAStrictPolicyAndTheDataDoes() {
        GatewayHttp anonymous = http(null);
        GatewayHttp.Reply page = anonymous.get("/console/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<script type=\"module\" src=\"/console/app.js\">"), page.body());
        String policy = page.header("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self';") && policy.contains("connect-src 'self'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval") || policy.contains("http"), policy);
        assertEquals(200, anonymous.get("/console/vendor/uplot/uPlot.esm.js").status());
        assertEquals(401, anonymous.get("/me").status());
        assertEquals(404, anonymous.get("/console/nothing-here.js").status());
    }

    @Test
    @Order(2)
    void eachRoleSeesItsOwnViewsAndIsToldWhatItLacks() {
        Map<String, List<String>> navigation = Map.of(
                "app", List.of("Playground"),
                "developer", List.of("Experts"),
                "data-scientist", List.of("Experiments", "Controller versions"),
                "admin", List.of("Experiments", "Controller versions", "Experts", "Playground", "Keys"));
        for (Map.Entry<String, List<String>> role : navigation.entrySet()) {
            browser.signIn(secrets.get(role.getKey()));
            assertEquals(role.getValue(), browser.all("#nav a").stream().map(WebElement::getText).toList(), role.getKey());
            assertTrue(browser.find("#whoami").getText().endsWith(" · " + role.getKey()), role.getKey());
            assertNull(browser.script("return sessionStorage.getItem('llmc.console.key') === null ? 'missing' : null"));
            browser.signOut();
            assertEquals(Boolean.TRUE, browser.script("return sessionStorage.getItem('llmc.console.key') === null"));
        }
        // A view the role may not use says which role it needs.
        browser.signIn(secrets.get("app"));
        browser.open("#/keys");
        browser.waitForText("#forbidden", "needs a key with role admin");
        assertTrue(browser.find("#forbidden").getText().contains("this key's role is app"));
        browser.screenshot("forbidden-app-keys");
        browser.signOut();
        // A wrong key stays on the sign-in page with the reason; signing in works from the keyboard alone.
        browser.open("");
        WebElement key = browser.waitFor("#api-key");
        key.sendKeys("llmc_not-a-key", Keys.ENTER);
        browser.waitForText(".sign-in .error", "That key is not valid.");
        browser.screenshot("sign-in");
        assertAccessible("sign-in");
        // The check can fail: an image without alternative text is reported.
        browser.script("const probe = document.createElement('img'); probe.id = 'probe'; document.body.append(probe)");
        assertTrue(browser.axeViolations().stream().anyMatch(violation -> violation.startsWith("image-alt:")));
        browser.script("document.getElementById('probe').remove()");
        browser.type(browser.find("#api-key"), secrets.get("data-scientist"));
        browser.find("#api-key").sendKeys(Keys.ENTER);
        browser.waitFor("#sign-out");
    }

    @Test
    @Order(3)
    void createsStartsAndReadsAnExperimentWhoseArmsDiffer() {
        String form = "#create-experiment";
        openAs("data-scientist", "#/experiments", form);
        assertTrue(browser.find("main").getText().contains("No experiments yet"));
        // The API's validation errors appear beside the field their param names.
        browser.find("#create").click();
        assertEquals("'name' is required", browser.fieldError(form, "name"));
        browser.type(browser.input(form, "name"), "alpha vs beta");
        new Select(browser.input(form, "arms[0]")).selectByValue("expert");
        browser.type(browser.input(form, "arms[0].expert"), "alpha");
        new Select(browser.input(form, "arms[1]")).selectByValue("expert");
        browser.type(browser.input(form, "arms[1].name"), "beta");
        browser.type(browser.input(form, "arms[1].expert"), "Not An Expert!");
        browser.find("#create").click();
        assertTrue(browser.fieldError(form, "arms[1].expert").contains("is not a valid expert name"));
        assertEquals("true", browser.input(form, "arms[1].expert").getDomAttribute("aria-invalid"));
        browser.type(browser.input(form, "arms[1].expert"), "beta");
        browser.find("#create").click();
        browser.waitForText("#status", "draft");
        String id = browser.driver().getCurrentUrl().replaceAll(".*#/experiments/", "");
        browser.find("#start").click();
        browser.acceptConfirmation();
        browser.waitForText("#status", "running");

        // Simulated users: alpha's replies are rated 5, beta's 2, and beta's users retry half the time.
        GatewayHttp app = keys.get("app");
        for (int u = 0; u < USERS; u++) {
            GatewayHttp.Reply reply = app.post("/chat", """
                    {"user_id": "sim-%d", "conversation_id": "sim-%d", "messages": [{"role": "user", "content": "hello"}]}"""
                    .formatted(u, u));
            assertEquals(200, reply.status(), reply.body());
            boolean alpha = reply.json().get("expert").asText().equals("alpha");
            String message = reply.json().get("message_id").asText();
            assertEquals(202, app.post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}"
                    .formatted(message, (alpha ? 4 : 1) + u % 2)).status());
            if (!alpha && u % 2 == 0) {
                assertEquals(202, app.post("/feedback", "{\"message_id\": \"%s\", \"type\": \"retry\"}".formatted(message)).status());
            }
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));
        JsonNode results = keys.get("data-scientist").get("/experiments/" + id + "/results").json();

        // The page as a first-time visitor opens it (empty cache): weight and time until results and charts are drawn.
        browser.driver().get("about:blank");
        browser.driver().executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.open("#/experiments/" + id);
        browser.waitFor("#results");
        browser.waitFor("#timeline-charts canvas");
        Map<?, ?> load = (Map<?, ?>) browser.script("""
                const nav = performance.getEntriesByType('navigation')[0];
                const resources = performance.getEntriesByType('resource');
                const bytes = nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0);
                const decoded = nav.decodedBodySize + resources.reduce((sum, r) => sum + r.decodedBodySize, 0);
                return { kb: bytes / 1024, decodedKb: decoded / 1024, requests: resources.length + 1, ms: performance.now() };""");
        System.out.printf("console experiment page: %.1f KB transferred (%.1f KB decoded) in %s requests; results and charts drawn %.0f ms after navigation%n",
                ((Number) load.get("kb")).doubleValue(), ((Number) load.get("decodedKb")).doubleValue(), load.get("requests"),
                ((Number) load.get("ms")).doubleValue());

        // The table shows the API's figures: beta's mean rating and interval, and its difference to the control.
        JsonNode betaResult = results.at("/arms/1");
        assertTrue(betaResult.get("rating_mean").asDouble() < 2 && results.at("/arms/0/rating_mean").asDouble() > 4, results.toString());
        WebElement beta = browser.find("#results tr[data-arm=beta]");
        assertEquals(String.format(java.util.Locale.ROOT, "%s [%s, %s]", twoDecimals(betaResult.get("rating_mean")),
                        twoDecimals(betaResult.at("/rating_ci95/0")), twoDecimals(betaResult.at("/rating_ci95/1"))),
                beta.findElement(org.openqa.selenium.By.cssSelector("td:nth-of-type(4)")).getText());
        String difference = beta.findElement(org.openqa.selenium.By.cssSelector("[data-metric=rating-diff]")).getText();
        assertTrue(difference.matches("-\\d(\\.\\d+)? \\(-\\d+\\.\\d%\\), p (< 0\\.0001|= 0\\.000\\d)"), difference);
        assertTrue(betaResult.get("rating_p_value").asDouble() < 0.001, betaResult.toString());
        assertEquals(4, browser.all("#timeline-charts canvas").size());
        String srm = browser.find("#srm").getText();
        assertTrue(srm.startsWith(results.at("/srm/flagged").asBoolean() ? "Sample ratio mismatch" : "Sample ratio check passed"), srm);
        browser.screenshot("experiment");
        assertAccessible("experiment");
        browser.width(390, 844);
        browser.screenshot("experiment-phone");
        assertTrue((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
                "the page scrolls sideways at phone width (only tables may)");
        browser.width(1280, 900);

        // Reweighting 1:9 after units were assigned 1:1: units keep their arms, so the split no longer matches: SRM.
        browser.type(browser.input("#reweight", "weights.beta"), "9");
        browser.find("#reweight button[type=submit]").click();
        browser.waitForText("#srm", "Sample ratio mismatch");
        assertEquals("warning", browser.find("#srm").getDomAttribute("class"));
        assertEquals(0.9, keys.get("data-scientist").get("/experiments/" + id).json().at("/arms/1/weight").asDouble(), 1e-9);
        browser.screenshot("experiment-srm");
        browser.find("#stop").click();
        browser.acceptConfirmation();
        browser.waitForText("#status", "stopped");
        browser.open("#/experiments");
        browser.waitForText("#experiments", "alpha vs beta");
        browser.screenshot("experiments");
    }

    @Test
    @Order(4)
    void registersAnExpertAfterAValidationError() {
        String form = "#register-expert";
        openAs("developer", "#/experts", form);
        browser.type(browser.input(form, "name"), "Bad Name");
        browser.type(browser.input(form, "description"), "Soup and stews.");
        browser.type(browser.input(form, "nodes[0].base_url"), fakeNode("soups").baseUrl());
        browser.find(form + " button[type=submit]").click();
        String error = browser.fieldError(form, "name");
        assertTrue(error.startsWith("name "), error);
        browser.screenshot("expert-validation-error");
        browser.type(browser.input(form, "name"), "soups");
        browser.find(form + " button[type=submit]").click();
        browser.waitForText("#expert-status", "active");
        browser.waitForText("#nodes", "healthy");
        browser.find("#pause").click();
        browser.waitForText("#expert-status", "paused");
        browser.find("#resume").click();
        browser.waitForText("#expert-status", "active");
        browser.screenshot("expert");
        assertAccessible("expert");
        browser.open("#/experts");
        browser.waitForText("#experts", "soups");
        // A developer sees only its own experts.
        assertFalse(browser.find("#experts").getText().contains("alpha"));
    }

    @Test
    @Order(5)
    void issuesAndRevokesAKey() {
        String form = "#issue-key";
        openAs("admin", "#/keys", form);
        browser.find("#issue").click();
        assertTrue(browser.fieldError(form, "owner").contains("owner"));
        new Select(browser.input(form, "role")).selectByValue("developer");
        browser.type(browser.input(form, "owner"), "carol");
        browser.find("#issue").click();
        String issued = browser.waitFor("#issued-key").getText();
        GatewayHttp carol = http(issued);
        assertEquals("carol", carol.get("/me").json().get("owner").asText());
        String id = carol.get("/me").json().get("key_id").asText();
        browser.waitFor("#keys tr[data-key=\"" + id + "\"]");
        browser.screenshot("keys");
        assertAccessible("keys");
        browser.find("#keys tr[data-key=\"" + id + "\"] button").click();
        browser.acceptConfirmation();
        browser.waitForText("#keys tr[data-key=\"" + id + "\"]", "revoked");
        await().atMost(Duration.ofSeconds(5)).until(() -> carol.get("/me").status() == 401);
    }

    @Test
    @Order(6)
    void playgroundStreamsAReplyAndItsRatingReachesTheExpertsStats() {
        browser.signIn(ADMIN_KEY);
        browser.open("#/playground");
        browser.type(browser.waitFor("#chat-input"), "How long should I knead bread dough?");
        browser.find("#send").click();
        browser.waitFor(".msg.assistant [data-rating]");
        WebElement reply = browser.find(".msg.assistant");
        String expert = reply.findElement(org.openqa.selenium.By.cssSelector(".meta")).getDomAttribute("data-expert");
        assertEquals(expert + " answers", reply.findElement(org.openqa.selenium.By.cssSelector(".reply")).getText());
        browser.waitFor("#why li");
        assertEquals(3, browser.all("#why li").size(), "every active expert (alpha, beta, the developer's soups) is scored for an admin");
        assertTrue(browser.find("#why li").getText().startsWith(expert + ": "), "the expert that answered scores best");
        JsonNode expertJson = http().get("/experts").json().get("data");
        String expertId = null;
        for (JsonNode e : expertJson) {
            if (e.get("name").asText().equals(expert)) {
                expertId = e.get("id").asText();
            }
        }
        long ratingsBefore = http().get("/experts/" + expertId + "/stats").json().at("/all_time/ratings").asLong();
        browser.find(".msg.assistant [data-rating='4']").click();
        browser.waitForText("#rated", "Rated 4/5");
        browser.screenshot("playground");
        assertAccessible("playground");
        browser.find("#regenerate").click();
        browser.waitFor(".msg.assistant [data-rating]");
        assertEquals(1, browser.all(".msg.assistant").size(), "a regenerated reply replaces the last one");

        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));
        browser.open("#/experts/" + expertId);
        browser.waitFor("#expert-stats");
        String allTime = browser.find("#expert-stats tbody tr:nth-of-type(2)").getText();
        assertTrue(allTime.contains(" " + (ratingsBefore + 1) + " "), allTime);
        browser.waitFor("#expert-charts canvas");
        browser.screenshot("expert-stats");
    }

    @Test
    @Order(7)
    void versionsAndAnExpiredSessionReturnToSignIn() {
        GatewayHttp.Reply doomed = http().post("/keys", "{\"role\": \"data-scientist\", \"owner\": \"doomed\"}");
        GatewayHttp doomedHttp = http(doomed.json().get("key").asText());
        browser.signIn(doomed.json().get("key").asText());
        browser.open("#/versions");
        browser.waitForText("#versions", "content");
        browser.screenshot("versions");
        assertAccessible("versions");
        // The key is revoked while signed in: the next call's 401 returns to sign-in and forgets the key.
        assertEquals(204, http().delete("/keys/" + doomed.json().get("id").asText()).status());
        await().atMost(Duration.ofSeconds(5)).until(() -> doomedHttp.get("/me").status() == 401);
        browser.open("#/experiments");
        browser.waitForText(".sign-in .error", "sign in again");
        assertEquals(Boolean.TRUE, browser.script("return sessionStorage.getItem('llmc.console.key') === null"));
    }

    /** As the console formats a number with two decimals at most (toLocaleString, 'en'). */
    private static String twoDecimals(JsonNode value) {
        return new java.math.BigDecimal(value.asDouble()).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** Signs in with the key of {@code role} and opens a view, once {@code css} is shown. */
    private void openAs(String role, String hash, String css) {
        browser.signIn(secrets.get(role));
        browser.open(hash);
        browser.waitFor(css);
    }

    /** axe-core finds no WCAG 2.1 A/AA violation, and our own measure no text below AA contrast. */
    private void assertAccessible(String view) {
        List<String> violations = browser.axeViolations();
        assertTrue(violations.isEmpty(), view + ": axe-core: " + violations);
        List<Map<String, Object>> low = browser.lowContrastText();
        assertTrue(low.isEmpty(), view + ": text below WCAG AA contrast: " + low);
    }
}
