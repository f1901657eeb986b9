package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.stream.IntStream;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status UI in a real browser (headless Chromium from Debian's packages, driven by Selenium WebDriver), loaded
 * through the ResourceManager's proxy while an application runs on the mini cluster. Checks what each page shows
 * (the stage's task timeline and the executors over time drawn, with their bars) and that the browser logged no
 * errors (a Content-Security-Policy violation would be one); saves screenshots under {@code target/screenshots}. CI installs
 * Chromium ({@code .ci/run}); elsewhere the test needs {@code apt-get install chromium chromium-driver}.
 */
class UiBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

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

    private static void open(String url) {
        browser.get(url);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.findElements(By.tagName("h1")).isEmpty());
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static List<String> errors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage)
                .toList();
    }

    @Test
    void pagesOfARunningApplicationThroughTheProxyShowItsJobsStagesTasksAndExecutors() throws Exception {
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(clusters.conf);
        yarn.start();
        try (WeftSession weft = clusters.clientSession("browser-test")
                .config("weft.ui.progress", "false").getOrCreate()) {
            // A finished job with a shuffle, then a slow one that is still running while the pages load.
            weft.parallelize(IntStream.range(0, 1000).boxed().toList(), 4)
                    .mapToPair(x -> io.weft.api.Pair.of(x % 10, x)).reduceByKey(Integer::sum).count();
            CompletableFuture<Long> slow = CompletableFuture.supplyAsync(() -> weft.parallelize(
                    IntStream.range(0, 16).boxed().toList(), 8).map(x -> {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1500));
                        return x;
                    }).count());
            String tracking = yarn.getApplicationReport(ApplicationId.fromString(weft.applicationId()))
                    .getTrackingUrl();
            assertThat(tracking).contains("/proxy/" + weft.applicationId());

            open(tracking);
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("RUNNING"));
            assertThat(browser.getTitle()).contains("browser-test");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("SUCCEEDED")
                    .contains("reduceByKey").contains("count at");
            screenshot("jobs");

            browser.findElement(By.linkText("0")).click();
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector("svg.dag"))
                    .isEmpty());
            assertThat(browser.findElements(By.cssSelector("svg.dag rect"))).hasSize(2);
            assertThat(browser.findElements(By.cssSelector("svg.dag line"))).hasSize(1);
            screenshot("job-graph");

            browser.findElement(By.cssSelector("svg.dag a")).click();
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("Partition"));
            assertThat(browser.findElements(By.xpath("//table//tr[td]"))).hasSize(4);
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("SUCCESS").contains("median");
            // The task timeline: one bar per attempt of the 4 map tasks, split by phase, with a tooltip each.
            WebElement timeline = browser.findElement(By.id("task-timeline"));
            assertThat(timeline.getRect().getWidth()).isPositive();
            assertThat(timeline.getRect().getHeight()).isPositive();
            assertThat(browser.findElements(By.cssSelector("#task-timeline rect.bar"))).hasSize(4);
            assertThat(browser.findElements(By.cssSelector("#task-timeline g.attempt > title"))).hasSize(4);
            assertThat(browser.findElements(By.cssSelector("#task-timeline rect.phase.compute"))).isNotEmpty();
            assertThat(browser.findElement(By.cssSelector("#task-timeline rect.bar")).getRect().getWidth())
                    .isPositive();
            screenshot("stage");

            open(tracking + "executors");
            assertThat(browser.findElements(By.xpath("//td[@class='ACTIVE']"))).hasSize(2);
            WebElement executors = browser.findElement(By.id("executor-timeline"));
            assertThat(executors.getRect().getWidth()).isPositive();
            assertThat(executors.getRect().getHeight()).isPositive();
            assertThat(browser.findElements(By.cssSelector("#executor-timeline rect.lifetime"))).hasSize(2);
            assertThat(browser.findElements(By.cssSelector("#executor-timeline rect.busy"))).isNotEmpty();
            screenshot("executors");

            open(tracking + "environment");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("weft.executor.instances")
                    .contains("weft.ui.progress");
            screenshot("environment");

            assertThat(errors()).as("browser console errors").isEmpty();
            assertThat(slow.get(2, TimeUnit.MINUTES)).isEqualTo(16);
        } finally {
            yarn.stop();
        }
    }
}
