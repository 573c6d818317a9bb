package io.flowsim.plugin.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Options;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
