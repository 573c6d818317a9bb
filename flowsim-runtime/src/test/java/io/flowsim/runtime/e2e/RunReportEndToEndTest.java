package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The run-level report of a run of several ranks, as users get it: {@code flowsim simulate --trace-dir}
 * over the hand-made two-rank fixture ({@code src/test/resources/handmade/two-rank}, see its README)
 * with the bundled plugin zips, then {@code O/report.html} opened from {@code file://} in headless
 * Chromium. Expected numbers come from the run's run.json (written by the runtime) and the fixture's
 * README, never from the page. Skipped like {@link ReportEndToEndTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunReportEndToEndTest {

    private static final Path TWO_RANK = BundledPluginRun.repoDir()
            .resolve("flowsim-runtime/src/test/resources/handmade/two-rank");
    private static final List<String> TRACES = List.of("handmade-job-TP-0-DECODE.trace",
            "handmade-job-TP-1-DECODE.trace");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Path out;
    private JsonNode run;
    private ChromeDriver browser;

    @BeforeAll
    void simulateTheTwoRanks(@TempDir Path dir) throws IOException {
        Path plugins = BundledPluginRun.pluginDirectory(dir, ReportEndToEndTest.PLUGINS);
        out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-dir", TWO_RANK.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(out.resolve("report.html").toString());
        run = JSON.readTree(out.resolve("run.json").toFile());
    }

    @AfterAll
    void quitTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private ChromeDriver open(Path page) {
        if (browser == null) {
            Optional<Path[]> chromium = HeadlessChromium.find();
            if (chromium.isEmpty()) {
                System.err.println("SKIPPED: " + HeadlessChromium.MISSING);
            }
            assumeTrue(chromium.isPresent(), HeadlessChromium.MISSING);
            browser = HeadlessChromium.start(chromium.get());
        }
        browser.get(page.toUri().toString());
        return browser;
    }

    @Test
    void theRunHasItsReportAndEveryTraceKeepsItsOwn() {
        assertThat(out.resolve("report.html")).isRegularFile();
        for (String t : TRACES) {
            assertThat(out.resolve(t).resolve("report.html")).isRegularFile();
        }
    }

    @Test
    void theRunReportOpensWithoutErrorsAndLinksEachTracesReport() {
        ChromeDriver b = open(out.resolve("report.html"));
        List<LogEntry> severe = b.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(severe).as("console errors and warnings").isEmpty();
        assertThat(b.findElements(By.cssSelector("#traces-table tbody tr"))).hasSize(TRACES.size());
        WebElement link = b.findElement(By.linkText(TRACES.get(1)));
        link.click();
        assertThat(b.getCurrentUrl()).endsWith(TRACES.get(1) + "/report.html");
        assertThat(b.findElement(By.cssSelector("header p")).getText()).startsWith(TRACES.get(1));
    }

    @Test
    void theTotalsShownAreRunJson() {
        ChromeDriver b = open(out.resolve("report.html"));
        Map<String, String> shown = new HashMap<>();
        for (WebElement e : b.findElements(By.cssSelector("[data-total]"))) {
            shown.put(e.getAttribute("data-total"), e.getAttribute("data-value"));
        }
        List<String> paths = List.of("end_to_end.measured_kernel_time_us", "end_to_end.collective_wait_us",
                "end_to_end.measured_without_collective_wait_us", "end_to_end.predicted_kernel_time_us",
                "collectives.matched_calls", "collectives.transfer_time_us", "collectives.wait_time_us",
                "per_rank.0.kernel_time_us", "per_rank.1.kernel_time_us", "per_rank.0.collective_wait_us",
                "per_rank.1.collective_wait_us", "per_rank.0.matched_collective_time_us",
                "per_rank.1.matched_collective_time_us", "per_rank.0.kernel_count", "per_rank.1.kernel_count");
        for (String path : paths) {
            assertThat(shown).containsKey(path);
            assertThat(new BigDecimal(shown.get(path))).as(path).isEqualByComparingTo(value(path).decimalValue());
        }
        for (String path : List.of("analysis.total.achieved_tflops", "analysis.total.percent_of_peak")) {
            assertThat(Double.parseDouble(shown.get(path))).as(path)
                    .isCloseTo(value(path).asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        }
        // the fixture's README: transfer 75 us, wait 30 us on rank 0 and 10 us on rank 1
        assertThat(new BigDecimal(shown.get("collectives.transfer_time_us"))).isEqualByComparingTo("75");
        assertThat(new BigDecimal(shown.get("per_rank.0.collective_wait_us"))).isEqualByComparingTo("30");
        assertThat(new BigDecimal(shown.get("per_rank.1.collective_wait_us"))).isEqualByComparingTo("10");
    }

    @Test
    void everyChartHasAMarkPerDatum() {
        ChromeDriver b = open(out.resolve("report.html"));
        int ranks = run.path("per_rank").size();
        assertThat(ranks).isEqualTo(2);
        assertThat(rows(b, "#chart-ranks .mark")).hasSize(ranks);
        assertThat(rows(b, "#chart-collectives .mark")).hasSize(ranks);
        // a wait segment for each rank that waited, a transfer segment for each rank
        int waited = 0;
        for (JsonNode r : run.path("per_rank")) {
            waited += r.path("collective_wait_us").asDouble() > 0 ? 1 : 0;
        }
        assertThat(b.findElements(By.cssSelector("#chart-collectives .mark[data-key='wait']"))).hasSize(waited);
        assertThat(b.findElements(By.cssSelector("#chart-collectives .mark[data-key='transfer']"))).hasSize(ranks);

        Set<String> stageFamilies = new HashSet<>();
        for (JsonNode row : run.path("analysis").path("per_stage_family")) {
            if (row.path("kernel_time_us").asDouble() > 0) {
                stageFamilies.add(row.path("stage").asText() + "/" + row.path("family").asText());
            }
        }
        Set<String> stageMarks = new HashSet<>();
        for (WebElement e : b.findElements(By.cssSelector("#chart-stage .mark"))) {
            stageMarks.add(e.getAttribute("data-row") + "/" + e.getAttribute("data-key"));
        }
        assertThat(stageMarks).isNotEmpty().isEqualTo(stageFamilies);
        assertThat(b.findElements(By.cssSelector("#kernels-table tbody tr")))
                .hasSize(run.path("analysis").path("top_kernels").path("by_time").size());
    }

    @Test
    void eachTracesReportShowsItsRooflineAndStages() throws IOException {
        Path trace = out.resolve(TRACES.get(0));
        JsonNode summary = JSON.readTree(trace.resolve("summary.json").toFile());
        ChromeDriver b = open(trace.resolve("report.html"));
        // the fixture's one GEMM per rank is its one kernel with FLOPs (collectives are left out)
        assertThat(b.findElements(By.cssSelector("#chart-roofline circle.mark"))).hasSize(1);
        int stageFamilies = 0;
        for (JsonNode row : summary.path("analysis").path("per_stage_family")) {
            stageFamilies += row.path("kernel_time_us").asDouble() > 0 ? 1 : 0;
        }
        assertThat(b.findElements(By.cssSelector("#chart-stage .mark"))).hasSize(stageFamilies);
        assertThat(b.findElements(By.cssSelector("#chart-stage .mark[data-row='decode']"))).isNotEmpty();
    }

    private static Set<String> rows(ChromeDriver b, String css) {
        Set<String> rows = new HashSet<>();
        for (WebElement e : b.findElements(By.cssSelector(css))) {
            rows.add(e.getAttribute("data-row"));
        }
        return rows;
    }

    private JsonNode value(String path) {
        JsonNode node = run;
        for (String part : path.split("\\.")) {
            node = part.matches("\\d+") ? node.path(Integer.parseInt(part)) : node.path(part);
        }
        assertThat(node.isMissingNode()).as(path).isFalse();
        return node;
    }
}
