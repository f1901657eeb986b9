package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftSession;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Hostile values (application name, job description and group, a task's exception message) in a real application
 * on the mini cluster, seen in headless Chromium through the ResourceManager's proxy: no script or event handler
 * runs, no alert opens, the style sheet still applies under the pages' Content Security Policy, the policy and
 * {@code nosniff} survive the proxy, and the browser reports no error. Needs chromium and chromium-driver, as
 * {@link UiBrowserTest} does.
 */
class UiBrowserSecurityTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Each payload would set window.xss if it ran. */
    private static final String PAYLOAD = "<script>window.xss=1</script><img src=x onerror=\"window.xss=2\">"
            + "\" onmouseover=\"window.xss=3\" x=\"<svg onload=alert(1)>";

    private static MiniClusters clusters;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        browser = HeadlessChromium.start();
        clusters = MiniClusters.get();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static void openAndCheckInert(String url) {
        browser.get(url);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.findElements(By.tagName("h1")).isEmpty());
        // Fires any mouseover handler on the page in one step (running pages reload every few seconds); an
        // injected onmouseover would run here, but escaped text has none.
        ((JavascriptExecutor) browser).executeScript("document.querySelectorAll('*').forEach(e => e.dispatchEvent("
                + "new MouseEvent('mouseover', {bubbles: true})))");
        assertThatThrownBy(() -> browser.switchTo().alert()).as(url).isInstanceOf(NoAlertPresentException.class);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.xss === undefined")).as(url)
                .isEqualTo(true);
        assertThat(browser.findElements(By.tagName("script"))).as(url).isEmpty();
        assertThat(browser.findElements(By.cssSelector("img[src='x']"))).as(url).isEmpty();
    }

    @Test
    void hostileNamesAndErrorsRenderAsTextThroughTheProxy() throws Exception {
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(clusters.conf);
        yarn.start();
        try (WeftSession weft = clusters.clientSession("xss " + PAYLOAD).config("weft.ui.progress", "false")
                .getOrCreate()) {
            weft.setJobGroup("group " + PAYLOAD, "description " + PAYLOAD);
            assertThat(weft.parallelize(List.of(1, 2, 3), 1).count()).isEqualTo(3);
            try {
                weft.parallelize(List.of(1), 1).map(x -> {
                    throw new IllegalStateException("failed " + PAYLOAD);
                }).count();
            } catch (RuntimeException expected) {
                // its message is what the pages must show inertly
            }
            String tracking = yarn.getApplicationReport(ApplicationId.fromString(weft.applicationId()))
                    .getTrackingUrl();

            openAndCheckInert(tracking);
            // Waits that survive the running pages' reloads.
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(d -> d.findElement(By.tagName("h1")).getText().contains("<script>window.xss=1</script>"));
            wait.until(d -> {
                String text = d.findElement(By.tagName("body")).getText();
                return text.contains("description <script>") && text.contains("group <script>")
                        && text.contains("failed <script>");
            });
            wait.until(d -> d.findElement(By.tagName("th")).getCssValue("background-color")
                    .equals("rgba(238, 238, 238, 1)"));
            Files.write(SCREENSHOTS.resolve("xss-jobs.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            for (String page : List.of("jobs/1", "stages/1", "executors", "environment")) {
                openAndCheckInert(tracking + page);
            }
            assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage)
                    .toList()).as("browser console errors (a blocked resource would show here)").isEmpty();

            HttpURLConnection viaProxy = (HttpURLConnection) URI.create(tracking).toURL().openConnection();
            assertThat(viaProxy.getResponseCode()).isEqualTo(200);
            assertThat(viaProxy.getHeaderField("Content-Security-Policy")).as("the proxy passes the policy on")
                    .contains("default-src 'none'");
            assertThat(viaProxy.getHeaderField("X-Content-Type-Options")).isEqualTo("nosniff");
        } finally {
            yarn.stop();
        }
    }
}
