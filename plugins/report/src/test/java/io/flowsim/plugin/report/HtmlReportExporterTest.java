package io.flowsim.plugin.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.RunExportContext;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.ConcurrencySummary;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.KernelAnalysis;
import io.flowsim.api.model.KernelEfficiency;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.RunResults;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.flowsim.plugin.report.HandMadeKernels.gemm;
import static io.flowsim.plugin.report.HandMadeKernels.parsed;
import static io.flowsim.plugin.report.HandMadeKernels.predicted;
import static io.flowsim.plugin.report.HandMadeKernels.unknown;
import static io.flowsim.plugin.report.HandMadeKernels.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/** report.html from hand-made kernels: what it holds, escaping, the snippet, and --no-report. */
class HtmlReportExporterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void oneMarkPerDistinctPredictedKernelAndEscapedNames() throws IOException {
        String hostile = "gemm<\"&'</script><script>alert(1)</script>";
        String page = export(List.of(
                predicted(gemm(0, hostile, 7, 0, 100, 64), 120),
                predicted(gemm(1, hostile, 7, 200, 100, 64), 120),   // same kernel and shapes: same point
                predicted(gemm(2, hostile, 7, 400, 300, 128), 250),  // other shapes: another point
                unsupported(gemm(3, "other", 7, 800, 50, 64))),
                HandMadeKernels.summary(4, 550, 490, 500, 3, true), true);
        assertThat(count(page, "<circle class=\"mark\"")).isEqualTo(2);
        assertThat(count(page, "<tr class=\"mark\"")).isEqualTo(3);
        assertThat(page).doesNotContain("<script>alert(1)").contains("gemm&lt;&quot;&amp;&#39;&lt;/script&gt;");
        assertThat(count(page, "<script>")).isEqualTo(1);
        assertThat(page).contains("data-total=\"kernel_time_us\" data-value=\"0.55\"")
                .contains("data-total=\"predicted_kernel_time_us\" data-value=\"0.49\"")
                .contains("data-total=\"accuracy.all.coverage\" data-value=\"" + (500.0 / 550) + "\"");
        // nothing is fetched: the only URL is the SVG namespace
        Matcher urls = Pattern.compile("https?://[^\"' <]+").matcher(page);
        while (urls.find()) {
            assertThat(urls.group()).isEqualTo("http://www.w3.org/2000/svg");
        }
    }

    @Test
    void theAccuracyTableShowsTheIsolatedKernelsBesideAllOnlyWhenSomeKernelSharedItsGpu() throws IOException {
        List<KernelResult> kernels = List.of(predicted(gemm(0, "g", 7, 0, 100, 64), 120),
                predicted(gemm(1, "g", 7, 200, 300, 64), 250));
        RunSummary alone = HandMadeKernels.summary(2, 400, 370, 400, 2, true);
        assertThat(export(kernels, alone, true)).doesNotContain("isolated median |err|");

        RunSummary s = HandMadeKernels.summary(2, 400, 370, 400, 2, true);
        RunSummary shared = new RunSummary(s.metadata(), s.kernelCount(), s.kernelTimeNs(), s.busyTimeNs(),
                s.wallTimeNs(), s.resolvedKernelTimeNs(), s.heuristicKernelTimeNs(), s.unresolvedKernelCount(),
                s.unknownKernelNames(), s.perFamily(), s.perOpMapping(), s.simulation(), s.memoryOperationCount(),
                s.memoryOperationTimeNs(), s.traceStatistics(), s.analysis(), new ConcurrencySummary(1, 100, 1, 300, 50,
                List.of(new GroupTotals("gemm", 1, 100, 120, 1)),
                List.of(new AccuracyRow("gemm", 1, 20, 20, 20, 100, 120), new AccuracyRow("all", 1, 20, 20, 20, 100, 120))));
        String page = export(kernels, shared, true);
        String table = page.substring(page.indexOf("<table id=\"accuracy-table\""), page.indexOf("</table>",
                page.indexOf("<table id=\"accuracy-table\"")));
        assertThat(table).contains("<th class=\"n\">isolated</th>", "isolated median |err|");
        // the "all" row: 1 isolated kernel, 25 % of the row's 400 ns, 20 % median, +20 % total
        assertThat(table.substring(table.lastIndexOf("<tr>"))).contains("<td class=\"n\">1</td>")
                .contains(Html.percent(25)).contains(Html.signedPercent(20));
        assertThat(page).contains("1 kernels overlapped another stream");
    }

    @Test
    void aRunSimulatedOnAnotherGpuShowsAProjectionNotAnAccuracyFigure() throws IOException {
        List<KernelResult> kernels = List.of(predicted(gemm(0, "g", 7, 0, 100, 64), 300),
                predicted(gemm(1, "g", 7, 200, 300, 64), 900));
        RunSummary sameGpu = HandMadeKernels.summary(2, 400, 1200, 400, 2, true);
        String accuracy = section(export(kernels, sameGpu, true), "accuracy");
        assertThat(accuracy).contains("id=\"accuracy-table\"").contains("total error").contains("median |err|")
                .doesNotContain("what-if");

        RunSummary whatIf = HandMadeKernels.whatIf(sameGpu, "V100");
        String page = export(kernels, whatIf, true);
        String projection = section(page, "accuracy");
        assertThat(projection).contains("Predicted on V100 against measured on NVIDIA H200 (what-if)")
                .contains("id=\"projection-table\"").contains("measured on NVIDIA H200").contains("predicted on V100")
                .contains("3.00\u00d7").contains("not an accuracy figure")
                .doesNotContain("accuracy-table");
        // the chart keeps its id (chart-error) for the page's script; no text calls the ratio an error
        assertThat(projection.replace("chart-error", "")).doesNotContainIgnoringCase("err");
        String totals = section(page, "totals");
        assertThat(totals).contains("What-if: measured kernel time on NVIDIA H200")
                .contains("accuracy.all.predicted_to_measured").doesNotContain("error");
        assertThat(section(page, "kernels")).contains("predicted / measured").doesNotContain(">error<");
    }

    /** The HTML of the section with the given id. */
    private static String section(String page, String id) {
        int start = page.indexOf("<section id=\"" + id + "\">");
        assertThat(start).as("section " + id).isNotNegative();
        return page.substring(start, page.indexOf("</section>", start));
    }

    @Test
    void aParseReportSaysThereIsNoSimulationAndListsUnknownKernelsAsKernelsJson() throws IOException {
        String page = export(List.of(parsed(gemm(0, "known", 7, 0, 100, 64)),
                        parsed(unknown(1, "mystery_kernel<4>", 200, 30)), parsed(unknown(2, "mystery_kernel<4>", 300, 30))),
                HandMadeKernels.summary(3, 160, 0, 0, 0, false), false);
        assertThat(page).contains("No simulation in this run").doesNotContain("id=\"chart-scatter\"");
        String snippet = page.substring(page.indexOf("<pre id=\"kernels-snippet\">") + 26, page.indexOf("</pre>"))
                .replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        JsonNode entries = JSON.readTree(snippet);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("kernel_name").asText()).isEqualTo("mystery_kernel<4>");
        assertThat(entries.get(0).path("family").asText()).isEqualTo("other");
        assertThat(entries.get(0).path("observed").path("count").asLong()).isEqualTo(2);
        assertThat(entries.get(0).path("observed").path("total_duration_us").decimalValue()).isEqualByComparingTo("0.06");
    }

    /**
     * Found by the fuzzer (seed 16, case 4741): a long name of emoji (surrogate pairs) was cut between
     * the two halves of a pair for a chart label, and writing the page failed. Names are cut on whole
     * characters now; the page is valid UTF-8 and says the name up to the cut.
     */
    @Test
    void longNamesOfSurrogatePairsAreCutOnWholeCharacters() throws IOException {
        String emoji = "\ud83d\ude00".repeat(100);
        for (String name : List.of(emoji, "k" + emoji, "kk" + emoji)) {
            String page = export(List.of(predicted(gemm(0, name, 7, 0, 100, 64), 120),
                    predicted(gemm(1, "other", 7, 200, 100, 64), 120)),
                    HandMadeKernels.summary(2, 200, 240, 200, 2, true), true);
            assertThat(page).contains("\ud83d\ude00\ud83d\ude00").contains("\u2026");
            byte[] bytes = Files.readAllBytes(dir.resolve(HtmlReportExporter.FILE_NAME));
            assertThat(java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString()).as("valid UTF-8 with every pair whole").doesNotContain("?\u2026");
        }
    }

    @Test
    void theRooflineHasAPointPerKernelWithKnownWorkUnderTheRoofsOfItsPeaks() throws IOException {
        // hand-made peaks: bf16 1000 TFLOP/s, memory 4 TB/s (ridge at 250 FLOP/byte)
        GpuPeaks peaks = new GpuPeaks("hand-made GPU", Map.of(DataType.BF16, 1e15), 4e12, 0);
        ResolvedKernel small = gemm(0, "gemm_small", 7, 0, 10_000, 64);
        ResolvedKernel large = gemm(1, "gemm_large", 7, 20_000, 200_000, 4096);
        List<KernelResult> kernels = List.of(analysed(small, peaks), analysed(large, peaks),
                parsed(unknown(2, "mystery_kernel<4>", 200_000, 30)));
        RunSummary base = HandMadeKernels.summary(3, 210_030, 0, 0, 0, false);
        EfficiencyTotals totals = EfficiencyTotals.EMPTY;
        for (KernelResult k : kernels) {
            KernelEfficiency e = k.analysis().efficiency().orElse(KernelEfficiency.of(KernelWork.UNKNOWN,
                    k.kernel().kernel().durationNs(), Optional.empty()));
            totals = totals.plus(new EfficiencyTotals(1, e.durationNs(), 0, 0, e.work().flops(), e.work().bytes(),
                    e.work().known() ? e.durationNs() : 0, e.rooflineNs().orElse(0), e.rooflineNs().isPresent()
                    ? e.durationNs() : 0, 0, 0, Map.of(e.bound(), e.durationNs())));
        }
        RunAnalysis analysis = new RunAnalysis(Optional.of(peaks), Optional.empty(), false,
                List.of(new KernelGroup(Stage.DECODE, "gemm", "matmul", "", totals)), List.of(), List.of());
        String page = export(kernels, new RunSummary(base.metadata(), 3, 210_030, 210_030, 210_030, 210_000, 0, 1, 1,
                base.perFamily(), base.perOpMapping(), Optional.empty(), 0, 0, Map.of(), analysis), false);
        String roofline = page.substring(page.indexOf("<svg id=\"chart-roofline\""));
        roofline = roofline.substring(0, roofline.indexOf("</svg>"));
        assertThat(count(roofline, "<circle class=\"mark\"")).isEqualTo(2);
        assertThat(count(roofline, "<line class=\"roof\"")).isEqualTo(2);
        assertThat(roofline).contains("memory 4 TB/s").contains("bf16 1000 TFLOP/s");
        // gemm_small, m=64: 2*64*4096*4096 FLOPs = 2.147 GFLOP; bytes A 0.5 MiB + B 32 MiB + C 0.5 MiB
        // = 34,603,008, which take 8,650.752 ns at 4 TB/s (compute needs 2,147 ns): 86.50752 % of 10 us
        String row = page.substring(page.indexOf("<tr class=\"mark\" data-key=\"gemm_small\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("data-v=\"86.50752\"").contains("<td>memory</td>");
        // achieved: 2.147483648e9 FLOPs in 10 us = 214.75 TFLOP/s
        assertThat(row).contains(">214.75<");
        assertThat(page).contains("hand-made GPU: bf16 1000 TFLOP/s, memory 4 TB/s");
        String stage = page.substring(page.indexOf("<svg id=\"chart-stage\""));
        assertThat(count(stage.substring(0, stage.indexOf("</svg>")), "class=\"mark\"")).isEqualTo(1);
    }

    private static KernelResult analysed(ResolvedKernel k, GpuPeaks peaks) {
        return new KernelResult(k, Optional.empty(), new KernelAnalysis(Stage.DECODE, "", Optional.of(
                KernelEfficiency.of(KernelWork.of(k), k.kernel().durationNs(), Optional.of(peaks)))));
    }

    @Test
    void aRunOfSeveralTracesGetsARunReportWithABarPerRankAndOneTraceNone() throws IOException {
        RunSummary rank0 = HandMadeKernels.summary(2, 300_000, 0, 0, 0, false);
        RunSummary rank1 = HandMadeKernels.summary(2, 250_000, 0, 0, 0, false);
        // hand-made: rank 0 spent 80 us in matched collectives, 30 us of it waiting; rank 1 60 us, 10 waiting
        RunResults run = new RunResults(
                List.of(new RunResults.TraceResult("r0", "r0", 0, rank0), new RunResults.TraceResult("r1", "r1", 1, rank1)),
                List.of(new RunResults.RankTotals(0, List.of("r0"), 2, 300_000, 300_000, 0, 80_000, 30_000, 1),
                        new RunResults.RankTotals(1, List.of("r1"), 2, 250_000, 250_000, 0, 60_000, 10_000, 1)),
                RunAnalysis.NONE, new RunResults.CollectiveTotals(List.of(0, 1), 2, 50_000, 40_000, Map.of(), List.of()),
                false, List.of());
        HtmlReportExporter exporter = new HtmlReportExporter();
        Options options = Options.empty();
        assertThat(exporter.exportRun(new RunExportContext(dir, false, false, RunContext.of(options, Reporter.silent(),
                dir)), run)).isEmpty();
        assertThat(dir.resolve("report.html")).doesNotExist();
        Files.createDirectories(dir.resolve("r1"));
        Files.writeString(dir.resolve("r1/report.html"), "the trace's report");
        assertThat(exporter.exportRun(new RunExportContext(dir, true, false, RunContext.of(options, Reporter.silent(),
                dir)), run)).containsExactly(dir.resolve("report.html"));
        String page = Files.readString(dir.resolve("report.html"));
        String ranks = page.substring(page.indexOf("<svg id=\"chart-ranks\""));
        ranks = ranks.substring(0, ranks.indexOf("</svg>"));
        assertThat(count(ranks, "data-row=\"rank 0\"")).isEqualTo(3);
        assertThat(count(ranks, "data-row=\"rank 1\"")).isEqualTo(3);
        String collectives = page.substring(page.indexOf("<svg id=\"chart-collectives\""));
        collectives = collectives.substring(0, collectives.indexOf("</svg>"));
        assertThat(count(collectives, "class=\"mark\"")).isEqualTo(4);
        assertThat(page).contains("data-total=\"per_rank.0.collective_wait_us\" data-value=\"30\"")
                .contains("data-total=\"collectives.transfer_time_us\" data-value=\"50\"")
                .contains("<a href=\"r1/report.html\">r1</a>").doesNotContain("href=\"r0/report.html\"");
    }

    /**
     * A simulated run's report: the predicted total is stated with its coverage (the measured time of the
     * predicted kernels over all kernel time), and a top kernel without any prediction has an empty predicted
     * cell, not 0 us; one predicted in part says how many of its kernels its time sums.
     */
    @Test
    void aSimulatedRunReportStatesCoverageAndLeavesUnpredictedKernelsBlank() throws IOException {
        // hand-made: rank 0 has 300 us of kernels, 250 us of them predicted (at 220 us); rank 1 100 us, none
        RunSummary rank0 = HandMadeKernels.summary(4, 300_000, 220_000, 250_000, 3, true);
        RunSummary rank1 = HandMadeKernels.summary(2, 100_000, 0, 0, 0, true);
        EfficiencyTotals none = new EfficiencyTotals(2, 100_000, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        EfficiencyTotals part = new EfficiencyTotals(4, 300_000, 3, 220_000, 0, 0, 0, 0, 0, 0, 0, Map.of());
        RunAnalysis analysis = new RunAnalysis(Optional.empty(), Optional.empty(), false,
                List.of(new KernelGroup(Stage.OTHER, "gemm", "matmul", "", part),
                        new KernelGroup(Stage.OTHER, "copy", "embedding", "", none)),
                List.of(new NamedTotals("gemm_kernel", "gemm", part), new NamedTotals("embedding_kernel", "copy", none)),
                List.of());
        RunResults run = new RunResults(
                List.of(new RunResults.TraceResult("r0", "r0", 0, rank0), new RunResults.TraceResult("r1", "r1", 1, rank1)),
                List.of(new RunResults.RankTotals(0, List.of("r0"), 4, 300_000, 300_000, 220_000, 0, 0, 0),
                        new RunResults.RankTotals(1, List.of("r1"), 2, 100_000, 100_000, 0, 0, 0, 0)),
                analysis, new RunResults.CollectiveTotals(List.of(0, 1), 0, 0, 0, Map.of(), List.of()), true, List.of());
        new HtmlReportExporter().exportRun(new RunExportContext(dir, true, true, RunContext.of(Options.empty(),
                Reporter.silent(), dir)), run);
        String page = Files.readString(dir.resolve("report.html"));

        // 250 of the 400 us measured have a prediction
        assertThat(page).contains("3 of 6 kernels have a prediction, covering <b>62.5%</b> of measured kernel time");
        String embedding = page.substring(page.indexOf("<tr class=\"mark\" data-key=\"embedding_kernel\""));
        embedding = embedding.substring(0, embedding.indexOf("</tr>"));
        assertThat(embedding).endsWith("<td class=\"n\" data-v=\"\"></td>").doesNotContain(">0<");
        String gemm = page.substring(page.indexOf("<tr class=\"mark\" data-key=\"gemm_kernel\""));
        assertThat(gemm.substring(0, gemm.indexOf("</tr>"))).contains(">220 (3 of 4)</td>");
    }

    @Test
    void noReportWritesNothing() {
        ExportSession session = new HtmlReportExporter().open(HandMadeKernels.context(dir, false,
                Options.builder().add("report", "false").build()));
        session.accept(parsed(gemm(0, "k0", 7, 1000, 100, 64)));
        assertThat(session.finish(HandMadeKernels.summary(1, 100, 0, 0, 0, false))).isEmpty();
        session.close();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void quantilesInterpolate() {
        float[] sorted = {1, 2, 3, 4, 5};
        assertThat(HtmlReport.quantile(sorted, 0.5)).isEqualTo(3);
        assertThat(HtmlReport.quantile(sorted, 0.25)).isEqualTo(2);
        assertThat(HtmlReport.quantile(sorted, 0.1)).isEqualTo(1.4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(HtmlReport.quantile(new float[] {7}, 0.9)).isEqualTo(7);
    }

    private String export(List<KernelResult> kernels, RunSummary summary, boolean simulated) throws IOException {
        try (ExportSession session = new HtmlReportExporter().open(HandMadeKernels.context(dir, simulated,
                Options.empty()))) {
            kernels.forEach(session::accept);
            assertThat(session.finish(summary)).containsExactly(dir.resolve("report.html"));
        }
        return Files.readString(dir.resolve("report.html"));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
