package dev.llmc.gateway.console;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The system's Chromium, headless, driven through the system's chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}; Selenium Manager cannot download a browser here). Missing packages fail the tests with
 * the command that installs them: a console test that silently skipped would prove nothing.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private final ChromeDriver driver;
    private final String base;

    Browser(String base) {
        for (Path required : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(required)) {
                throw new AssertionError(required + " is missing: the console's browser tests need Debian's Chromium; "
                        + "install it with: apt-get update && apt-get install -y chromium chromium-driver");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.base = base;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a console route, e.g. {@code #/experiments}. */
    void open(String hash) {
        driver.get(base + "/console/" + hash);
    }

    WebElement waitFor(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void waitForText(String css, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The input of the form field whose API param is {@code param}. */
    WebElement input(String formCss, String param) {
        return find(formCss + " [data-param=\"" + param + "\"] input, " + formCss + " [data-param=\"" + param + "\"] select, "
                + formCss + " [data-param=\"" + param + "\"] textarea");
    }

    void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    /** The validation message shown beneath a field, once it is shown. */
    String fieldError(String formCss, String param) {
        return waitFor(formCss + " [data-param=\"" + param + "\"] .field-error").getText();
    }

    void acceptConfirmation() {
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    void signIn(String key) {
        open("");
        script("sessionStorage.clear()");
        open("");
        type(waitFor("#api-key"), key);
        find("#sign-in").click();
        waitFor("#sign-out");
    }

    void signOut() {
        find("#sign-out").click();
        waitFor("#api-key");
    }

    void width(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a screenshot of the whole page as target/console-screenshots/{name}.png. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path to = SCREENSHOTS.resolve(name + ".png");
            Long height = (Long) script("return Math.max(document.body.scrollHeight, window.innerHeight)");
            Dimension before = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(height + 140, 4000)));
            File shot = driver.getScreenshotAs(OutputType.FILE);
            driver.manage().window().setSize(before);
            Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Text whose contrast with its background is below WCAG AA (4.5:1, 3:1 for large text), as "text: ratio"; the
     * background is the first opaque one up the tree.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lowContrastText() {
        return (List<Map<String, Object>>) script("""
                const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                  const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
                const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
                const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
                  if (c && c.a > 0.5) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
                const bad = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  const el = n.parentElement; if (!n.textContent.trim() || !el.offsetParent && el !== document.body) continue;
                  const s = getComputedStyle(el); if (s.visibility === 'hidden' || el.closest('.uplot, [hidden]')) continue;
                  const fg = parse(s.color); const bg = background(el); const l1 = lum(fg), l2 = lum(bg);
                  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                  const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
                  const disabled = el.closest('button:disabled');
                  if (!disabled && ratio < (large ? 3 : 4.5)) bad.push({ text: n.textContent.trim().slice(0, 40), ratio: ratio.toFixed(2) });
                }
                return bad;""");
    }

    /**
     * axe-core's WCAG 2.0/2.1 A and AA violations on the current page, as "rule: help (n nodes: selectors)". axe-core
     * comes from npm (pinned in src/test/console-a11y/package-lock.json, installed with {@code npm ci} when missing) and
     * is injected through WebDriver, which the page's Content-Security-Policy does not govern.
     */
    @SuppressWarnings("unchecked")
    List<String> axeViolations() {
        if (!Boolean.TRUE.equals(script("return !!window.axe"))) {
            script(axeSource());
        }
        return (List<String>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                  .then((r) => done(r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes: `
                      + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ') + ')')))
                  .catch((e) => done(['axe failed: ' + e]));""");
    }

    private static String axeSource() {
        Path dir = Path.of("src", "test", "console-a11y");
        Path axe = dir.resolve("node_modules/axe-core/axe.min.js");
        try {
            if (!Files.isRegularFile(axe)) {
                Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                        .redirectErrorStream(true).start();
                String output = new String(npm.getInputStream().readAllBytes());
                if (npm.waitFor() != 0) {
                    throw new AssertionError("npm ci in " + dir + " failed (axe-core is needed): " + output);
                }
            }
            return Files.readString(axe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
