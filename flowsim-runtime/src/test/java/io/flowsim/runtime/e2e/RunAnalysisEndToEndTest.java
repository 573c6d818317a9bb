package io.flowsim.runtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowsim.runtime.CliRun;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole-run analysis end to end with the bundled plugins: several traces per command, run.json,
 * collectives matched across ranks (exact arithmetic on the hand-made two-rank fixture in
 * {@code src/test/resources/handmade/two-rank}, see its README), stages and efficiency on the demo
 * trace, the atomic replacement of a run, and {@code --format json}. Skipped when the plugin zips
 * are not built.
 */
class RunAnalysisEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TWO_RANK = BundledPluginRun.repoDir()
            .resolve("flowsim-runtime/src/test/resources/handmade/two-rank");
    private static final Path LLAMA = BundledPluginRun.repoDir()
            .resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void plugins() throws IOException {
        plugins = AnalyticalBackendEndToEndTest.plugins(work);
    }

    private static CliRun run(String... args) {
        return BundledPluginRun.run(plugins, args);
    }

    private static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    @Test
    void handMadeTwoRankRunSplitsCollectiveTimeIntoTransferAndWait() throws IOException {
        Path out = work.resolve("two-rank");
        CliRun r = run("simulate", "--trace-dir", TWO_RANK.toString(), "--output-dir", out.toString(), "--jobs", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();

        assertThat(out.resolve("handmade-job-TP-0-DECODE.trace/handmade-job-TP-0-DECODE.trace.csv")).exists();
        assertThat(out.resolve("handmade-job-TP-1-DECODE.trace/summary.json")).exists();
        JsonNode run = json(out.resolve("run.json"));
        assertThat(run.get("traces")).hasSize(2);
        assertThat(run.get("traces").get(1).get("rank").asInt()).isEqualTo(1);
        assertThat(run.get("traces").get(1).get("rank_source").asText()).isEqualTo("trace");

        JsonNode c = run.get("collectives");
        assertThat(c.get("matched_calls").asInt()).isEqualTo(3);
        JsonNode calls = c.get("calls");
        // call 0: allreduce, rank 0 50 us from 1000, rank 1 20 us from 1030: transfer = min = 20
        assertThat(calls.get(0).get("collective").asText()).isEqualTo("allreduce");
        assertThat(calls.get(0).get("transfer_time_us").asDouble()).isEqualTo(20.0);
        assertThat(calls.get(0).get("last_arriving_rank").asInt()).isEqualTo(1);
        assertThat(calls.get(0).get("ranks").get(0).get("wait_us").asDouble()).isEqualTo(30.0);
        assertThat(calls.get(0).get("ranks").get(1).get("wait_us").asDouble()).isEqualTo(0.0);
        // call 1: allreduce, rank 0 15 us from 2000, rank 1 25 us from 1990
        assertThat(calls.get(1).get("transfer_time_us").asDouble()).isEqualTo(15.0);
        assertThat(calls.get(1).get("last_arriving_rank").asInt()).isEqualTo(0);
        assertThat(calls.get(1).get("ranks").get(1).get("wait_us").asDouble()).isEqualTo(10.0);
        // call 2: all-to-all, 40 and 30 us: transfer = max = 40, nobody waits
        assertThat(calls.get(2).get("collective").asText()).isEqualTo("alltoall");
        assertThat(calls.get(2).get("transfer_time_us").asDouble()).isEqualTo(40.0);
        assertThat(calls.get(2).get("ranks").get(0).get("wait_us").asDouble()).isEqualTo(0.0);
        assertThat(c.get("transfer_time_us").asDouble()).isEqualTo(75.0);
        assertThat(c.get("wait_time_us").asDouble()).isEqualTo(40.0);
        assertThat(run.get("per_rank").get(0).get("collective_wait_us").asDouble()).isEqualTo(30.0);
        assertThat(run.get("per_rank").get(1).get("collective_wait_us").asDouble()).isEqualTo(10.0);
        assertThat(c.get("accuracy_against_transfer").get("measured_transfer_time_us").asDouble()).isEqualTo(75.0);

        JsonNode e2e = run.get("end_to_end");
        // per rank: GEMM 100 us + collectives (105 and 75 us)
        assertThat(e2e.get("measured_kernel_time_us").asDouble()).isEqualTo(380.0);
        assertThat(e2e.get("measured_without_collective_wait_us").asDouble()).isEqualTo(340.0);
        assertThat(e2e.get("predicted_kernel_time_us").asDouble()).isPositive();

        // the file names say DECODE: every kernel is in the decode stage
        JsonNode stages = run.get("analysis").get("per_stage");
        assertThat(stages).hasSize(1);
        assertThat(stages.get(0).get("stage").asText()).isEqualTo("decode");
        assertThat(stages.get(0).get("count").asInt()).isEqualTo(8);
        assertThat(r.out()).contains("Collectives: 3 calls matched across ranks [0, 1]; transfer 75.0 us, waiting 40.0 us");
    }

    @Test
    void theGemmsEfficiencyIsComputedFromItsOperandsAgainstTheH200() throws IOException {
        Path out = work.resolve("efficiency");
        CliRun r = run("parse", "--trace-file", TWO_RANK.resolve("handmade-job-TP-0-DECODE.trace.json").toString(),
                "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        CSVRecord gemm = ParseOutputsTest.csv(out.resolve("handmade-job-TP-0-DECODE.trace.csv")).get(0);
        double flops = 2.0 * 1024 * 4096 * 4096;
        assertThat(Double.parseDouble(gemm.get("FLOPs"))).isEqualTo(flops);
        // bf16: A 8 MiB + B 32 MiB + C 8 MiB
        assertThat(Double.parseDouble(gemm.get("Bytes"))).isEqualTo(2.0 * (1024 * 4096 + 4096 * 4096 + 1024 * 4096));
        // 100 us
        assertThat(Double.parseDouble(gemm.get("TFLOP/s"))).isCloseTo(flops / 100e-6 / 1e12,
                org.assertj.core.data.Offset.offset(1e-4));
        assertThat(gemm.get("Stage")).isEqualTo("decode");
        assertThat(gemm.get("Bound")).isEqualTo("compute");
        JsonNode peaks = json(out.resolve("summary.json")).get("analysis").get("gpu_peaks");
        double peak = peaks.get("tflops").get("bf16").asDouble() * 1e12;
        assertThat(Double.parseDouble(gemm.get("% of Peak"))).isCloseTo(100 * (flops / peak) / 100e-6,
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.out()).contains("one rank only, so waiting for other ranks cannot be separated");
        JsonNode run = json(out.resolve("run.json"));
        assertThat(run.get("collectives").get("wait_separated").asBoolean()).isFalse();
        assertThat(run.get("collectives").get("notes").get(0).asText()).contains("cannot be separated");
    }

    @Test
    void demoTraceSplitsPrefillAndDecodeWithEfficiencyPerFamily() throws IOException {
        Path out = work.resolve("demo");
        CliRun r = run("parse", "--trace-file", LLAMA.toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode a = json(out.resolve("summary.json")).get("analysis");
        List<String> stages = new ArrayList<>();
        a.get("per_stage").forEach(s -> stages.add(s.get("stage").asText()));
        assertThat(stages).contains("prefill", "decode");
        long total = 0;
        for (JsonNode s : a.get("per_stage")) {
            total += s.get("count").asLong();
        }
        assertThat(total).isEqualTo(json(out.resolve("summary.json")).get("kernel_count").asLong());
        JsonNode prefillGemm = null;
        JsonNode decodeGemm = null;
        for (JsonNode row : a.get("per_stage_family")) {
            if (row.get("family").asText().equals("gemm")) {
                if (row.get("stage").asText().equals("prefill")) {
                    prefillGemm = row;
                } else if (row.get("stage").asText().equals("decode")) {
                    decodeGemm = row;
                }
            }
        }
        assertThat(prefillGemm).isNotNull();
        assertThat(decodeGemm).isNotNull();
        // prefill GEMMs (4x1024 tokens) are compute-bound, decode GEMMs (4 tokens) memory-bound
        assertThat(prefillGemm.get("bound").asText()).isEqualTo("compute");
        assertThat(decodeGemm.get("bound").asText()).isEqualTo("memory");
        assertThat(prefillGemm.get("achieved_tflops").asDouble())
                .isGreaterThan(10 * decodeGemm.get("achieved_tflops").asDouble());
        assertThat(prefillGemm.get("percent_of_peak").isNumber()).isTrue();
        assertThat(a.get("top_kernels").get("by_time")).isNotEmpty();
        assertThat(r.out()).contains("Top kernels by time", "Top kernels by time lost against the roofline",
                "prefill / gemm", "decode / gemm");
    }

    @Test
    void aSecondRunReplacesTheWholeRunAndAFailedRunLeavesItUntouched() throws IOException {
        Path out = work.resolve("replace");
        CliRun first = run("parse", "--trace-dir", TWO_RANK.toString(), "--output-dir", out.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Files.writeString(out.resolve("left-over.txt"), "from before");

        Path missing = work.resolve("no-such-trace.json");
        CliRun failed = run("parse", "--trace-file", TWO_RANK.resolve("handmade-job-TP-0-DECODE.trace.json").toString(),
                "--trace-file", missing.toString(), "--output-dir", out.toString());
        assertThat(failed.exitCode()).isEqualTo(2);
        assertThat(failed.err()).contains("no-such-trace.json");
        assertThat(out.resolve("left-over.txt")).exists();
        assertThat(out.resolve("run.json")).exists();

        CliRun second = run("parse", "--trace-dir", TWO_RANK.toString(), "--output-dir", out.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(out.resolve("left-over.txt")).doesNotExist();
        assertThat(out.resolve("handmade-job-TP-1-DECODE.trace/summary.json")).exists();
        try (var s = Files.list(out.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("flowsim-staging")
                    || n.contains("flowsim-old"));
        }
    }

    @Test
    void tracesWithTheSameNameNeverOverwriteEachOther() throws IOException {
        Path a = Files.createDirectories(work.resolve("same-a"));
        Path b = Files.createDirectories(work.resolve("same-b"));
        Files.copy(TWO_RANK.resolve("handmade-job-TP-0-DECODE.trace.json"), a.resolve("rank.json"));
        Files.copy(TWO_RANK.resolve("handmade-job-TP-1-DECODE.trace.json"), b.resolve("rank.json"));
        Path out = work.resolve("same-out");
        CliRun r = run("parse", "--trace-file", a.resolve("rank.json").toString(), "--trace-file",
                b.resolve("rank.json").toString(), "--output-dir", out.toString(), "--jobs", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode first = json(out.resolve("rank/summary.json"));
        JsonNode second = json(out.resolve("rank-2/summary.json"));
        assertThat(first.get("trace").get("rank").asInt()).isZero();
        assertThat(second.get("trace").get("rank").asInt()).isEqualTo(1);
    }

    @Test
    void aFolderThatIsNotAFlowsimOutputIsNeverReplaced() throws IOException {
        Path out = Files.createDirectories(work.resolve("precious"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        CliRun r = run("parse", "--trace-dir", TWO_RANK.toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not empty and is not a FlowSim output");
        assertThat(out.resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void formatJsonPrintsOneDocumentOnStandardOutput() throws IOException {
        Path out = work.resolve("json");
        CliRun r = run("parse", "--trace-dir", TWO_RANK.toString(), "--output-dir", out.toString(), "--format",
                "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("command").asText()).isEqualTo("parse");
        assertThat(doc.get("collectives").get("matched_calls").asInt()).isEqualTo(3);
        assertThat(doc).isEqualTo(json(out.resolve("run.json")));
    }

    @Test
    void compareReadsAWhatIfByItsPredictionsAndWritesTheDeltas() throws IOException {
        Path a = work.resolve("compare-a");
        Path b = work.resolve("compare-b");
        assertThat(run("parse", "--trace-dir", TWO_RANK.toString(), "--output-dir", a.toString()).exitCode()).isZero();
        CliRun sim = run("simulate", "--trace-dir", TWO_RANK.toString(), "--output-dir", b.toString(), "--gpu", "B200");
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        Path out = work.resolve("compare-out");
        CliRun r = run("compare", a.toString(), b.toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("measured on NVIDIA H200", "predicted on B200", "decode / gemm");
        JsonNode doc = json(out.resolve("compare.json"));
        assertThat(doc.get("b").get("basis").asText()).isEqualTo("predicted");
        JsonNode total = doc.get("rows").get(0);
        assertThat(total.get("level").asText()).isEqualTo("total");
        assertThat(total.get("time_us_a").asDouble()).isEqualTo(380.0);
        double predicted = json(b.resolve("run.json")).get("end_to_end").get("predicted_kernel_time_us").asDouble();
        assertThat(total.get("time_us_b").asDouble()).isCloseTo(predicted, org.assertj.core.data.Offset.offset(1e-6));
        for (JsonNode row : doc.get("rows")) {
            if (row.get("time_us_b").isNull()) {
                assertThat(row.get("time_delta_us").isNull()).as(row.toString()).isTrue();
                continue;
            }
            assertThat(row.get("time_delta_us").asDouble()).isCloseTo(
                    row.get("time_us_b").asDouble() - row.get("time_us_a").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        List<CSVRecord> csv = ParseOutputsTest.csv(out.resolve("compare.csv"));
        assertThat(csv).hasSize(doc.get("rows").size());
        assertThat(csv.get(0).get("key")).isEqualTo("total");

        CliRun missing = run("compare", a.toString(), work.resolve("nothing-here").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nothing-here not found");
    }

    /**
     * The demo Llama trace against its B200 prediction: its "other" kernels (asserts, sorts, masks) have no
     * prediction, so their rows' B time is unknown: null in compare.json, an empty cell in compare.csv, never a
     * zero time with a -100% change.
     */
    @Test
    void compareGivesARowWithoutPredictionsNoTimeRatherThanZero() throws IOException {
        Path a = work.resolve("unknown-a");
        Path b = work.resolve("unknown-b");
        assertThat(run("parse", "--no-report", "--trace-file", LLAMA.toString(), "--output-dir", a.toString())
                .exitCode()).isZero();
        CliRun sim = run("simulate", "--no-report", "--trace-file", LLAMA.toString(), "--output-dir", b.toString(),
                "--gpu", "B200");
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        Path out = work.resolve("unknown-out");
        CliRun r = run("compare", a.toString(), b.toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        JsonNode other = null;
        for (JsonNode row : json(out.resolve("compare.json")).get("rows")) {
            if (row.get("key").asText().equals("decode / other")) {
                other = row;
            }
        }
        assertThat(other).as("decode / other row").isNotNull();
        assertThat(other.get("count_a").asLong()).isPositive();
        assertThat(other.get("count_b").asLong()).isZero();
        assertThat(other.get("coverage_b").asDouble()).isZero();
        assertThat(other.get("time_us_a").asDouble()).isPositive();
        assertThat(other.get("time_us_b").isNull()).isTrue();
        assertThat(other.get("time_delta_us").isNull()).isTrue();
        assertThat(other.get("time_ratio").isNull()).isTrue();
        CSVRecord csvRow = ParseOutputsTest.csv(out.resolve("compare.csv")).stream()
                .filter(c -> c.get("key").equals("decode / other")).findFirst().orElseThrow();
        assertThat(csvRow.get("time_us_a")).isNotEmpty();
        assertThat(csvRow.get("time_us_b")).isEmpty();
        assertThat(csvRow.get("time_delta_us")).isEmpty();
        assertThat(csvRow.get("time_ratio")).isEmpty();
    }

    @Test
    void validateOnATraceDirectoryPrintsJson() throws IOException {
        CliRun r = run("validate", "--trace-dir", TWO_RANK.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("command").asText()).isEqualTo("validate");
        assertThat(doc.get("groups")).isNotEmpty();
    }

    /**
     * The multi-rank path with --gpu another GPU, on the real HTA sample (ranks 0 and 1 of one A100 job, whose
     * traces record no GPU name): the same two ranks simulated on A100 and on H100. Every rank's kernels are
     * predicted on the named GPU (faster on the H100 in total), run.json's totals add the ranks up, the
     * collectives' predicted/measured ratio is theirs, each CSV's Predicted / Measured column is its two
     * times' ratio, and the run says that FlowSim cannot tell whether the named GPU is the recorded one.
     */
    @Test
    void htaRanksOnAnotherGpuArePredictedThereAndSaySoInEveryOutput() throws IOException {
        Path shared = BundledPluginRun.sharedDir().resolve("data/traces/HolisticTraceAnalysis");
        Path dir = Files.createDirectories(work.resolve("hta-what-if"));
        List<String> ranks = List.of("trace_filter__sampled_rank-0", "trace_filter__sampled_rank-1");
        for (String rank : ranks) {
            Files.createSymbolicLink(dir.resolve(rank + ".json.gz"), shared.resolve(rank + ".json.gz"));
        }
        double[] predicted = new double[2];
        List<String> gpus = List.of("A100", "H100");
        for (int i = 0; i < gpus.size(); i++) {
            Path out = work.resolve("hta-what-if-" + gpus.get(i));
            CliRun r = run("simulate", "--no-report", "--trace-dir", dir.toString(), "--output-dir", out.toString(),
                    "--gpu", gpus.get(i), "--jobs", "2");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("Note: the traces do not record the GPU they ran on, so FlowSim cannot tell"
                    + " whether " + gpus.get(i) + " is that GPU");
            JsonNode run = json(out.resolve("run.json"));
            double sum = 0;
            for (JsonNode t : run.get("traces")) {
                assertThat(t.get("target").asText()).isEqualTo(gpus.get(i));
                assertThat(t.get("gpu").asText()).isEmpty();
                assertThat(t.get("target_is_trace_device").asBoolean()).isFalse();
                assertThat(t.get("what_if").asBoolean()).isFalse();
                assertThat(t.get("rank_source").asText()).isEqualTo("trace");
                sum += t.get("predicted_kernel_time_us").asDouble();
            }
            assertThat(sum).isPositive();
            predicted[i] = run.get("end_to_end").get("predicted_kernel_time_us").asDouble();
            assertThat(predicted[i]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-3));
            JsonNode accuracy = run.get("collectives").get("accuracy_against_transfer");
            assertThat(accuracy.get("what_if").asBoolean()).isFalse();
            assertThat(accuracy.get("predicted_to_measured").asDouble()).isCloseTo(
                    accuracy.get("predicted_time_us").asDouble() / accuracy.get("measured_transfer_time_us").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(run.get("notes").toString()).contains("cannot tell whether " + gpus.get(i));
            for (String rank : ranks) {
                int compared = 0;
                for (CSVRecord row : ParseOutputsTest.csv(out.resolve(rank + "/" + rank + ".csv"))) {
                    if (row.get("Predicted (us)").isEmpty() || Double.parseDouble(row.get("Duration (us)")) == 0) {
                        assertThat(row.get("Predicted / Measured")).isEmpty();
                        continue;
                    }
                    double ratio = Double.parseDouble(row.get("Predicted (us)"))
                            / Double.parseDouble(row.get("Duration (us)"));
                    assertThat(Double.parseDouble(row.get("Predicted / Measured"))).as(row.get("Name"))
                            .isCloseTo(ratio, org.assertj.core.data.Offset.offset(1e-4));
                    compared++;
                }
                assertThat(compared).as(rank).isPositive();
            }
        }
        assertThat(predicted[1]).as("H100 against A100").isLessThan(predicted[0]);
    }

    @Test
    void htaRanksAreAnalysedTogetherAndTheirCollectivesMatched() throws IOException {
        Path shared = BundledPluginRun.sharedDir().resolve("data/traces/HolisticTraceAnalysis");
        Path dir = Files.createDirectories(work.resolve("hta"));
        for (String rank : List.of("trace_filter__sampled_rank-0.json.gz", "trace_filter__sampled_rank-1.json.gz")) {
            Files.createSymbolicLink(dir.resolve(rank), shared.resolve(rank));
        }
        Path out = work.resolve("hta-out");
        CliRun r = run("simulate", "--trace-dir", dir.toString(), "--output-dir", out.toString(), "--gpu", "A100",
                "--jobs", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("trace_filter__sampled_rank-0/trace_filter__sampled_rank-0.csv")).exists();
        assertThat(out.resolve("trace_filter__sampled_rank-1/trace_filter__sampled_rank-1.csv")).exists();
        JsonNode run = json(out.resolve("run.json"));
        JsonNode c = run.get("collectives");
        // 10 NCCL kernels per rank, none left unmatched
        assertThat(c.get("matched_calls").asInt()).isEqualTo(10);
        assertThat(c.get("unmatched_kernels_by_rank").get("0").asInt()).isZero();
        for (JsonNode call : c.get("calls")) {
            double transfer = call.get("transfer_time_us").asDouble();
            for (JsonNode p : call.get("ranks")) {
                double expected = Math.max(0, p.get("duration_us").asDouble() - transfer);
                assertThat(p.get("wait_us").asDouble()).isEqualTo(expected);
            }
        }
        assertThat(run.get("per_rank")).hasSize(2);
        assertThat(r.out()).contains("wait us");
        // two of the job's 128 ranks: the matching says it sees only those
        assertThat(run.get("notes").toString()).contains("cover 2 of the run's 128 ranks");
        // the fp32 GEMMs run on TF32 tensor cores (s1688gemm): against the fp32 peak the predictions
        // would beat the roofline (175 % of peak before KernelWork read the math mode from the name)
        for (String rank : List.of("trace_filter__sampled_rank-0", "trace_filter__sampled_rank-1")) {
            for (JsonNode f : json(out.resolve(rank + "/summary.json")).get("analysis").get("per_family")) {
                if (f.get("family").asText().equals("gemm")) {
                    assertThat(f.get("predicted_percent_of_peak").asDouble()).as(rank).isBetween(1.0, 100.0);
                }
            }
        }
    }
}
