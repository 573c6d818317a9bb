package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parity with the original FlowSim parser on its own H200 trace, against its output in
 * shared/data/flowsim/derived/ (docs/parity-resolution.md lists every deliberate difference). Rows
 * are paired by (Name, Duration): the original writes kernels in file order, FlowSim in start order.
 */
class OriginalParityTest {

    private static final String TRACE = "data/traces/FlowSim/sglang_deepseek_tp4_rank0_h200.trace.json.gz";
    private static final String CSV_NAME = "sglang_deepseek_tp4_rank0_h200.trace.csv";
    /** Original op values that are placeholders, not answers. */
    private static final Set<String> NOT_AN_ANSWER = Set.of("", "TBD");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static List<CSVRecord> original;
    private static Path plugins;
    /** Our CSV with the bundled database. */
    private static List<CSVRecord> bundled;
    /** Our CSV with the original database loaded after the bundled one. */
    private static List<CSVRecord> withOriginal;

    @BeforeAll
    static void load() throws IOException {
        Path shared = BundledPluginRun.sharedDir();
        original = ParseOutputsTest.csv(shared.resolve("data/flowsim/derived/test_trace.trace.csv"));
        plugins = BundledPluginRun.pluginDirectory(work);
        bundled = parse("bundled-db");
        withOriginal = parse("original-db", "--kernels", shared.resolve("data/flowsim/kernels.json").toString());
    }

    private static List<CSVRecord[]> pairs(List<CSVRecord> ours) {
        Map<String, Deque<CSVRecord>> byKey = new HashMap<>();
        for (CSVRecord r : ours) {
            byKey.computeIfAbsent(r.get("Name") + "\u0000" + r.get("Duration (us)"), k -> new ArrayDeque<>()).add(r);
        }
        List<CSVRecord[]> out = new ArrayList<>();
        for (CSVRecord o : original) {
            Deque<CSVRecord> q = byKey.get(o.get("Name") + "\u0000" + o.get("Duration (us)"));
            assertThat(q).as("our row for original row " + o.getRecordNumber()).isNotNull().isNotEmpty();
            out.add(new CSVRecord[] {o, q.poll()});
        }
        return out;
    }

    private static List<CSVRecord> parse(String name, String... extra) throws IOException {
        Path out = work.resolve(name);
        CliRun r = BundledPluginRun.parse(plugins, BundledPluginRun.sharedDir().resolve(TRACE), out, extra);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return ParseOutputsTest.csv(out.resolve(CSV_NAME));
    }

    @Test
    void sameRowsDimsAndTypesExceptWhereShapeLabelsFillTheOriginalsGaps() throws IOException {
        List<CSVRecord> ours = bundled;
        assertThat(ours).hasSameSizeAs(original).hasSize(664);
        int filledFromLabels = 0;
        for (CSVRecord[] p : pairs(ours)) {
            CSVRecord o = p[0];
            CSVRecord n = p[1];
            if (o.get("Dims").equals(n.get("Dims"))) {
                assertThat(n.get("Data Type")).as("row " + o.getRecordNumber()).isEqualTo(o.get("Data Type"));
            } else {
                assertThat(o.get("Dims")).as("row " + o.getRecordNumber() + ": only N/A may differ").isEqualTo("N/A");
                assertThat(o.get("Data Type")).isEqualTo("N/A");
                filledFromLabels++;
            }
        }
        assertThat(filledFromLabels).as("kernels whose shapes only a legacy sglang label carries").isPositive()
                .isLessThanOrEqualTo(41);
    }

    @Test
    void withTheOriginalDatabaseTheOpColumnMatchesWhereverTheOriginalHasAnAnswer() throws IOException {
        Map<String, Integer> expected = new TreeMap<>();
        Map<String, Integer> actual = new TreeMap<>();
        Map<String, Integer> filledIn = new LinkedHashMap<>();
        for (CSVRecord[] p : pairs(withOriginal)) {
            String o = p[0].get("op");
            String n = p[1].get("op");
            if (NOT_AN_ANSWER.contains(o)) {
                filledIn.merge(o + " -> " + n, 1, Integer::sum);
                continue;
            }
            assertThat(n).as("op of original row " + p[0].getRecordNumber() + " (" + p[0].get("Name") + ")").isEqualTo(o);
            expected.merge(o, 1, Integer::sum);
            actual.merge(n, 1, Integer::sum);
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(expected.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(664 - 166 - 37);
        assertThat(filledIn).as("the aten::cat kernels the original could not classify")
                .containsEntry(" -> cat", 31);
    }

    @Test
    void theBundledDatabaseAgreesWithTheOriginalsAnswersExceptCatsCopiesItNamesCat() throws IOException {
        for (CSVRecord[] p : pairs(bundled)) {
            String o = p[0].get("op");
            String n = p[1].get("op");
            assertThat(n).as("row " + p[0].getRecordNumber() + " has an op").isNotEmpty();
            if (NOT_AN_ANSWER.contains(o) || o.equals(n)) {
                continue;
            }
            assertThat(o + " -> " + n).as("row " + p[0].getRecordNumber()).isEqualTo("copy_ -> cat");
            assertThat(p[1].get("Operator")).isEqualTo("aten::cat");
        }
    }

    @Test
    void withOnlyTheOriginalDatabaseTheUnknownKernelsAreTheOriginals() throws IOException {
        Path shared = BundledPluginRun.sharedDir();
        Path out = work.resolve("original-only");
        CliRun r = BundledPluginRun.parse(plugins, shared.resolve(TRACE), out,
                "-O", "bundled-kernels=false", "--kernels", shared.resolve("data/flowsim/kernels.json").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Set<String> expected = new HashSet<>();
        JSON.readTree(shared.resolve("data/flowsim/derived/unknown_kernels.json").toFile())
                .forEach(e -> expected.add(e.get("kernel_name").asText()));
        Set<String> actual = new HashSet<>();
        JSON.readTree(out.resolve("unknown_kernels.json").toFile()).get("kernels").forEach(e -> actual.add(e.get("kernel_name").asText()));
        assertThat(expected).hasSize(4);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void callStacksDifferOnlyWhereTheOriginalMixedUpLaunches() throws IOException {
        List<Long> differing = new ArrayList<>();
        for (CSVRecord[] p : pairs(bundled)) {
            if (!p[0].get("Call Stack").equals(p[1].get("Call Stack"))) {
                differing.add(p[0].getRecordNumber());
            }
        }
        assertThat(differing).contains(60L, 284L, 492L, 505L, 511L, 524L, 578L, 591L, 597L, 610L);
        assertThat(differing).hasSizeLessThanOrEqualTo(20);
    }
}
