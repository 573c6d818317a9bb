package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report plugin as users run it: {@code flowsim simulate} on the demo trace with the bundled plugin
 * zips (through PF4J), then report.html opened from {@code file://} in headless Chromium, and the
 * timeline parsed and merged again with the command line. Expected numbers come from the run's own
 * summary.json and per-kernel CSV (written by other plugins), never from the page. Skipped when the
 * plugin zips are not built; the browser part is skipped, with a message, when Chromium is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportEndToEndTest {

    static final List<String> PLUGINS = List.of("pytorch-trace", "kernels-json", "csv-export", "analytical", "report");
    static final String DEMO = "h200_llama3-8b-4layer_prefill4x1024_decode8.trace";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    private Path dir;
    private Path plugins;
    private Path out;
    private JsonNode summary;
    private List<CSVRecord> kernels;
    private ChromeDriver browser;

    @Test
    void aWholeRunGetsAReportAndATimelinePerTraceAndNoReportSkipsThem() {
        Path twoRank = BundledPluginRun.repoDir().resolve("flowsim-runtime/src/test/resources/handmade/two-rank");
        Path run = dir.resolve("two-rank");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-dir", twoRank.toString(), "--output-dir",
                run.toString(), "--jobs", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> traces = List.of("handmade-job-TP-0-DECODE.trace", "handmade-job-TP-1-DECODE.trace");
        for (String t : traces) {
            assertThat(run.resolve(t + "/report.html")).isNotEmptyFile();
            assertThat(run.resolve(t + "/" + t + ".timeline.json.gz")).isNotEmptyFile();
        }
        Path bare = dir.resolve("two-rank-no-report");
        r = BundledPluginRun.run(plugins, "parse", "--trace-dir", twoRank.toString(), "--output-dir",
                bare.toString(), "--no-report");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(bare.resolve("report.html")).as("the run's report").doesNotExist();
        for (String t : traces) {
            assertThat(bare.resolve(t + "/summary.json")).exists();
            assertThat(bare.resolve(t + "/report.html")).doesNotExist();
            assertThat(bare.resolve(t + "/" + t + ".timeline.json.gz")).doesNotExist();
        }
    }

    @BeforeAll
    void simulateTheDemoTrace(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        Path trace = BundledPluginRun.repoDir().resolve("demo/traces/" + DEMO + ".json.gz");
        assumeTrue(Files.exists(trace), "demo trace absent");
        plugins = BundledPluginRun.pluginDirectory(dir, PLUGINS);
        out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        summary = JSON.readTree(out.resolve("summary.json").toFile());
        try (Reader reader = Files.newBufferedReader(out.resolve(DEMO + ".csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            kernels = csv.getRecords();
        }
    }

    @AfterAll
    void quitTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private ChromeDriver browser() {
        if (browser == null) {
            Optional<Path[]> chromium = HeadlessChromium.find();
            if (chromium.isEmpty()) {
                System.err.println("SKIPPED: " + HeadlessChromium.MISSING);
            }
            assumeTrue(chromium.isPresent(), HeadlessChromium.MISSING);
            browser = HeadlessChromium.start(chromium.get());
        }
        return browser;
    }

    private ChromeDriver openReport() {
        ChromeDriver b = browser();
        b.get(out.resolve("report.html").toUri().toString());
        return b;
    }

    @Test
    void simulateWritesTheReportAndTheTimeline() {
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve(DEMO + ".timeline.json.gz")).isRegularFile();
    }

    @Test
    void theReportOpensWithoutConsoleErrorsAndFetchesNothing() {
        ChromeDriver b = openReport();
        List<LogEntry> severe = b.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(severe).as("console errors and warnings").isEmpty();
        Object resources = ((JavascriptExecutor) b).executeScript(
                "return performance.getEntriesByType('resource').map(function (e) { return e.name; });");
        assertThat((List<?>) resources).as("resources the page loaded").isEmpty();
        assertThat(b.findElement(By.id("chart-scatter")).isDisplayed()).isTrue();
    }

    @Test
    void theTotalsShownAreSummaryJson() {
        ChromeDriver b = openReport();
        List<WebElement> totals = b.findElements(By.cssSelector("[data-total]"));
        Map<String, String> shown = new HashMap<>();
        for (WebElement e : totals) {
            shown.put(e.getAttribute("data-total"), e.getAttribute("data-value"));
        }
        for (String path : List.of("kernel_count", "kernel_time_us", "busy_time_us", "wall_time_us",
                "memory_operations.count", "memory_operations.time_us", "resolved_fraction",
                "predicted_kernel_time_us", "simulation.ok", "simulation.unsupported", "simulation.failed")) {
            assertThat(shown).containsKey(path);
            assertThat(new BigDecimal(shown.get(path))).as(path)
                    .isEqualByComparingTo(summaryValue(path).decimalValue());
        }
        for (String path : List.of("analysis.total.work_known_time_us", "analysis.total.achieved_tflops",
                "analysis.total.achieved_tb_per_s", "analysis.total.percent_of_peak")) {
            assertThat(shown).containsKey(path);
            assertThat(Double.parseDouble(shown.get(path))).as(path)
                    .isCloseTo(summaryValue(path).asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        }
        JsonNode all = accuracyAll();
        assertThat(new BigDecimal(shown.get("accuracy.all.measured_time_us")))
                .isEqualByComparingTo(all.path("measured_time_us").decimalValue());
        assertThat(Double.parseDouble(shown.get("accuracy.all.total_error_percent")))
                .isCloseTo(all.path("total_error_percent").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Double.parseDouble(shown.get("accuracy.all.median_abs_error_percent")))
                .isCloseTo(all.path("median_abs_error_percent").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        // accuracy is shown with its coverage: the measured time of the predicted kernels over all kernel time
        double coverage = all.path("measured_time_us").asDouble() / summary.path("kernel_time_us").asDouble();
        assertThat(Double.parseDouble(shown.get("accuracy.all.coverage")))
                .isCloseTo(coverage, org.assertj.core.data.Offset.offset(1e-9));
        String headline = b.findElement(By.cssSelector("#totals .headline")).getText();
        assertThat(headline).contains(String.format(java.util.Locale.ROOT, "%+.1f%%",
                all.path("total_error_percent").asDouble())).contains("covering "
                + String.format(java.util.Locale.ROOT, "%.1f%%", 100 * coverage));
    }

    @Test
    void everyChartHasAMarkPerDatum() {
        ChromeDriver b = openReport();
        int familiesMeasured = 0;
        int familiesPredicted = 0;
        for (JsonNode f : summary.path("per_family")) {
            familiesMeasured += f.path("kernel_time_us").asDouble() > 0 ? 1 : 0;
            familiesPredicted += f.path("predicted_time_us").asDouble() > 0 ? 1 : 0;
        }
        assertThat(marks(b, "#chart-family .mark[data-row='measured']")).isEqualTo(familiesMeasured);
        assertThat(marks(b, "#chart-family .mark[data-row='predicted']")).isEqualTo(familiesPredicted);

        int ops = summary.path("per_op_mapping").size();
        assertThat(marks(b, "#chart-op .mark")).isEqualTo(Math.min(ops, 20) + (ops > 20 ? 1 : 0));

        // distinct kernels: name, operands and the operator's shapes and types, as the CSV writes them
        Map<String, Boolean> groups = new HashMap<>();
        for (CSVRecord k : kernels) {
            String key = k.get("Name") + '\u0000' + k.get("Operands") + '\u0000' + k.get("Dims") + '\u0000'
                    + k.get("Data Type");
            groups.merge(key, !k.get("Predicted (us)").isEmpty(), Boolean::logicalOr);
        }
        long predictedGroups = groups.values().stream().filter(v -> v).count();
        assertThat(predictedGroups).isPositive();
        assertThat(marks(b, "#chart-scatter circle.mark")).isEqualTo(predictedGroups);
        assertThat(marks(b, "#kernels-table tbody tr")).isEqualTo(Math.min(100, groups.size()));

        Set<String> families = new HashSet<>();
        for (JsonNode row : summary.path("simulation").path("accuracy")) {
            if (!row.path("group").asText().equals("all")) {
                families.add(row.path("group").asText());
            }
        }
        Set<String> boxes = new HashSet<>();
        for (WebElement e : b.findElements(By.cssSelector("#chart-error .mark"))) {
            boxes.add(e.getAttribute("data-key"));
        }
        assertThat(boxes).isEqualTo(families);

        // time by stage: one segment per stage and family with time, as summary.json's per_stage_family
        Set<String> stageFamilies = new HashSet<>();
        for (JsonNode row : summary.path("analysis").path("per_stage_family")) {
            if (row.path("kernel_time_us").asDouble() > 0) {
                stageFamilies.add(row.path("stage").asText() + "/" + row.path("family").asText());
            }
        }
        assertThat(stageFamilies).hasSizeGreaterThan(2);
        Set<String> stageMarks = new HashSet<>();
        for (WebElement e : b.findElements(By.cssSelector("#chart-stage .mark"))) {
            stageMarks.add(e.getAttribute("data-row") + "/" + e.getAttribute("data-key"));
        }
        assertThat(stageMarks).isEqualTo(stageFamilies);
        assertThat(marks(b, "#chart-stage .mark")).isEqualTo(stageFamilies.size());

        // roofline: one point per distinct kernel with FLOPs and bytes (collectives left out)
        Map<String, double[]> work = new HashMap<>();
        for (CSVRecord k : kernels) {
            String key = k.get("Name") + '\u0000' + k.get("Operands") + '\u0000' + k.get("Dims") + '\u0000'
                    + k.get("Data Type");
            if (!k.get("FLOPs").isEmpty() && !k.get("Bound").equals("network")) {
                double[] w = work.computeIfAbsent(key, x -> new double[2]);
                w[0] += Double.parseDouble(k.get("FLOPs"));
                w[1] += Double.parseDouble(k.get("Bytes"));
            }
        }
        long withWork = work.values().stream().filter(w -> w[0] > 0 && w[1] > 0).count();
        assertThat(withWork).isPositive();
        assertThat(marks(b, "#chart-roofline circle.mark")).isEqualTo(withWork);
        assertThat(marks(b, "#chart-roofline line.roof")).isGreaterThanOrEqualTo(2);

        // the demo trace has no unknown kernels
        assertThat(summary.path("unknown_kernel_count").asLong()).isZero();
        assertThat(b.findElements(By.cssSelector("#unknown-table tbody tr"))).isEmpty();
    }

    @Test
    void theTopKernelsEfficiencyIsTheCsvs() {
        ChromeDriver b = openReport();
        List<String> headers = b.findElements(By.cssSelector("#kernels-table thead th")).stream()
                .map(WebElement::getText).toList();
        WebElement first = b.findElement(By.cssSelector("#kernels-table tbody tr"));
        List<WebElement> cells = first.findElements(By.tagName("td"));
        String name = first.getAttribute("data-key");
        String shapes = cells.get(headers.indexOf("shapes")).getText();
        double duration = 0;
        double roofline = 0;
        double flops = 0;
        Set<String> bounds = new HashSet<>();
        for (CSVRecord k : kernels) {
            if (k.get("Name").equals(name) && k.get("Operands").equals(shapes)) {
                duration += Double.parseDouble(k.get("Duration (us)"));
                roofline += Double.parseDouble(k.get("Roofline (us)"));
                flops += Double.parseDouble(k.get("FLOPs"));
                bounds.add(k.get("Bound"));
            }
        }
        assertThat(duration).isPositive();
        // the CSV rounds the roofline to four decimals
        assertThat(Double.parseDouble(cells.get(headers.indexOf("% of peak")).getAttribute("data-v")))
                .isCloseTo(100 * roofline / duration, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(Double.parseDouble(cells.get(headers.indexOf("TFLOP/s")).getAttribute("data-v")))
                .isCloseTo(flops / duration / 1e6, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(bounds).contains(cells.get(headers.indexOf("bound")).getText());
    }

    @Test
    void hoveringAPointShowsItsKernelAndHeadersSort() {
        ChromeDriver b = openReport();
        List<WebElement> points = b.findElements(By.cssSelector("#chart-scatter circle.mark"));
        WebElement largest = points.stream().max((x, y) -> Double.compare(Double.parseDouble(x.getAttribute("r")),
                Double.parseDouble(y.getAttribute("r")))).orElseThrow();
        new Actions(b).scrollToElement(largest).moveToElement(largest).perform();
        WebElement tip = b.findElement(By.id("tip"));
        assertThat(tip.isDisplayed()).isTrue();
        assertThat(tip.getText()).startsWith(largest.getAttribute("data-key"));

        WebElement countHeader = b.findElements(By.cssSelector("#kernels-table thead th")).stream()
                .filter(th -> th.getText().equals("count")).findFirst().orElseThrow();
        countHeader.click();
        List<Double> counts = new ArrayList<>();
        for (WebElement row : b.findElements(By.cssSelector("#kernels-table tbody tr"))) {
            counts.add(Double.parseDouble(row.findElements(By.tagName("td")).get(5).getAttribute("data-v")));
        }
        assertThat(counts).isSortedAccordingTo((x, y) -> Double.compare(y, x));
    }

    @Test
    void theTimelineParsesBackToTheSameKernels() throws IOException {
        Path timeline = out.resolve(DEMO + ".timeline.json.gz");
        Path again = dir.resolve("again");
        CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file", timeline.toString(), "--output-dir",
                again.toString(), "--no-report");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode parsed = JSON.readTree(again.resolve("summary.json").toFile());
        assertThat(parsed.path("kernel_count").asLong()).isEqualTo(summary.path("kernel_count").asLong());
        assertThat(parsed.path("kernel_time_us").decimalValue())
                .isEqualByComparingTo(summary.path("kernel_time_us").decimalValue());
        assertThat(parsed.path("memory_operations")).isEqualTo(summary.path("memory_operations"));
        assertThat(again.resolve("report.html")).doesNotExist();

        Path mergeInput = Files.createDirectories(dir.resolve("merge-in"));
        Files.copy(timeline, mergeInput.resolve(timeline.getFileName()));
        Path merged = dir.resolve("merged.json.gz");
        CliRun m = BundledPluginRun.run(plugins, "merge", "--trace-dir", mergeInput.toString(), "--output",
                merged.toString());
        assertThat(m.exitCode()).as(m.err()).isZero();
        long mergedKernels = 0;
        for (JsonNode e : readTrace(merged).path("traceEvents")) {
            mergedKernels += e.path("cat").asText().equals("kernel") ? 1 : 0;
        }
        assertThat(mergedKernels).isEqualTo(summary.path("kernel_count").asLong());
    }

    private static JsonNode readTrace(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return JSON.readTree(in);
        }
    }

    @Test
    void thePredictedTracksHaveTheCsvPredictions() throws IOException {
        JsonNode trace = readTrace(out.resolve(DEMO + ".timeline.json.gz"));
        Set<Long> kernelIndices = new HashSet<>();
        TreeMap<Long, JsonNode> predictedByIndex = new TreeMap<>();
        for (JsonNode e : trace.path("traceEvents")) {
            String cat = e.path("cat").asText();
            long index = e.path("args").path("flowsim.index").asLong(-1);
            if (cat.equals("kernel")) {
                kernelIndices.add(index);
            } else if (cat.equals("flowsim_predicted")) {
                predictedByIndex.put(index, e);
                assertThat(e.path("tid").asLong()).isEqualTo(1_000_000_000L + e.path("args").path("stream").asLong());
            }
        }
        List<JsonNode> predictedKernels = predictedByIndex.entrySet().stream()
                .filter(en -> kernelIndices.contains(en.getKey())).map(Map.Entry::getValue).toList();
        // the CSV lists kernels in trace order, as the indices number them
        assertThat(predictedKernels).hasSameSizeAs(kernels);
        int withPrediction = 0;
        for (int i = 0; i < kernels.size(); i++) {
            CSVRecord row = kernels.get(i);
            JsonNode slice = predictedKernels.get(i);
            assertThat(slice.path("name").asText()).isEqualTo(row.get("Name"));
            String predicted = row.get("Predicted (us)");
            if (predicted.isEmpty()) {
                assertThat(slice.path("args").path("predicted_us").isNull()).isTrue();
                assertThat(slice.path("dur").decimalValue()).isEqualByComparingTo(new BigDecimal(row.get("Duration (us)")));
            } else {
                withPrediction++;
                assertThat(slice.path("dur").decimalValue()).as(row.get("Name")).isEqualByComparingTo(new BigDecimal(predicted));
                assertThat(slice.path("args").path("predicted_us").decimalValue()).isEqualByComparingTo(new BigDecimal(predicted));
                assertThat(slice.path("args").path("measured_us").decimalValue())
                        .isEqualByComparingTo(new BigDecimal(row.get("Duration (us)")));
                assertThat(slice.path("args").path("family").asText()).isEqualTo(row.get("Family"));
            }
        }
        assertThat((long) withPrediction).isEqualTo(summary.path("simulation").path("ok").asLong());
    }

    private static int marks(ChromeDriver b, String css) {
        return b.findElements(By.cssSelector(css)).size();
    }

    private JsonNode summaryValue(String path) {
        JsonNode node = summary;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        assertThat(node.isMissingNode()).as(path).isFalse();
        return node;
    }

    private JsonNode accuracyAll() {
        for (JsonNode row : summary.path("simulation").path("accuracy")) {
            if (row.path("group").asText().equals("all")) {
                return row;
            }
        }
        throw new AssertionError("summary.json has no accuracy row 'all'");
    }
}
