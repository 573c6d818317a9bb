package io.flowsim.runtime;

import io.flowsim.testkit.NamedPipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code validate}, {@code calibrate} and {@code bench} in process, with the class-path test backend
 * ({@code counting-backend}: GEMMs only) and hand-written tables: argument errors exit 2 with one line
 * and no stack trace; the commands work with any backend.
 */
class MeasurementCommandsTest {

    @TempDir
    Path dir;


    /** A hand-written table of the bundled measured-tables plugin's test fixtures (see their README). */
    private static String table(String name) {
        return Paths.get(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("plugins/measured-tables/src/test/resources/handwritten/tables").resolve(name).toString();
    }

    private static void assertUsageError(CliRun r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().strip().lines().filter(l -> l.startsWith("flowsim:")).count()).isEqualTo(1);
    }

    @Test
    void validateNeedsSomethingToValidateAgainst() {
        assertUsageError(CliRun.of("validate"), "name at least one table");
    }

    @Test
    void validateRejectsBadOptionsAndInputs() {
        assertUsageError(CliRun.of("validate", "--split", "sideways", table("gemm_small.csv")), "--split must be");
        assertUsageError(CliRun.of("validate", "--held-out-fraction", "1.5", table("gemm_small.csv")), "--held-out-fraction");
        assertUsageError(CliRun.of("validate", "--backend", "counting-backend", dir.resolve("absent.csv").toString()),
                "table not found");
        assertUsageError(CliRun.of("validate", "--backend", "counting-backend", "--gpu", "H100",
                table("unknown_format.csv")), "unknown table format");
        assertUsageError(CliRun.of("validate", "--backend", "nope", table("gemm_small.csv")), "no simulator backend named 'nope'");
        assertUsageError(CliRun.of("validate", "--backend", "counting-backend", "--only-groups", "(",
                table("gemm_small.csv")), "--only-groups");
    }

    /** A named pipe given as a table is refused at once (reading it, with nobody writing, never returned). */
    @Test
    void aNamedPipeAsATableIsRefusedNotWaitedOn() throws Exception {
        Path fifo = dir.resolve("gemm.csv");
        org.junit.jupiter.api.Assumptions.assumeTrue(NamedPipes.make(fifo), "no mkfifo here");
        CliRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> CliRun.of("validate", "--backend", "counting-backend", "--gpu", "H100", fifo.toString()));
        assertUsageError(r, "table " + fifo + " is not a regular file (a pipe or a device)");
    }

    /**
     * A table found in a directory whose GPU cannot be told (no device column, no GPU in its path) is not
     * scored; validate says so with its results, once: the file, its row count, why, and what to pass.
     */
    @Test
    void validateReportsTheTablesItSkippedWithItsResults() throws IOException {
        Path tables = Files.createDirectories(dir.resolve("tables"));
        Files.copy(Path.of(table("gemm_small.csv")), tables.resolve("gemm_small.csv"));
        Path sweep = Files.writeString(tables.resolve("sweep.csv"),
                "gemm_dtype,m,n,k,latency\nbfloat16,1,4096,4096,0.015\nbfloat16,2,4096,4096,0.016\n");
        CliRun r = CliRun.of("validate", "--backend", "counting-backend", tables.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Tables skipped (found in a directory, not scored):")
                .contains("  " + sweep + ": cannot tell which GPU").contains("its 2 rows are not used")
                .contains("--gpu NAME");
        assertThat(r.err()).as("said once, with the results").doesNotContain("sweep.csv");

        CliRun json = CliRun.of("validate", "--backend", "counting-backend", "--format", "json", tables.toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"skipped_tables\"").contains("its 2 rows are not used");

        // nothing else to score: the one line says why the table was skipped
        Path alone = Files.createDirectories(dir.resolve("alone"));
        Files.copy(sweep, alone.resolve("sweep.csv"));
        assertUsageError(CliRun.of("validate", "--backend", "counting-backend", alone.toString()),
                "1 table skipped, the first: cannot tell which GPU");
    }

    /**
     * A directory of aiconfigurator tables of several frameworks and kinds (HAND-MADE here: the collectors' headers,
     * made-up rows): every row the reader can express is given to the backend, what the backend does not model is
     * counted with the backend's reason, a row the table cannot express (FP4 GEMMs) with the reader's, a table kind
     * it does not read is listed under the skipped tables, and the run exits 0.
     */
    @Test
    void validateScoresWhatItKnowsOfAMixedFrameworkTreeAndListsTheRest() throws IOException {
        String h100 = "NVIDIA H100 80GB HBM3";
        Path gemm = Files.createDirectories(dir.resolve("tree/h100_sxm/gemm/vllm/0.0.0")).resolve("gemm_perf.csv");
        Files.writeString(gemm, "framework,version,device,op_name,kernel_source,gemm_dtype,m,n,k,latency\n"
                + "VLLM,0.0.0," + h100 + ",gemm,torch.nn.functional.linear,bfloat16,128,4096,4096,0.020\n"
                + "VLLM,0.0.0," + h100 + ",gemm,CutlassNvFp4LinearKernel,nvfp4,128,4096,4096,0.010\n");
        Path attention = Files.createDirectories(dir.resolve("tree/h100_sxm/attention/trtllm/0.0.0"))
                .resolve("context_attention_perf.csv");
        Files.writeString(attention, "framework,version,device,op_name,kernel_source,batch_size,isl,num_heads,"
                + "num_key_value_heads,head_dim,window_size,beam_width,attn_dtype,kv_cache_dtype,step,latency\n"
                + "TRTLLM,0.0.0," + h100 + ",context_attention,torch_flow,1,1024,32,8,128,0,1,bfloat16,bfloat16,0,0.1\n");
        Path mamba = Files.createDirectories(dir.resolve("tree/h100_sxm/linear_attention/trtllm/0.0.0"))
                .resolve("mamba2_perf.csv");
        Files.writeString(mamba, "framework,version,device,op_name,kernel_source,batch_size,isl,latency\n"
                + "TRTLLM,0.0.0," + h100 + ",mamba2,torch_flow,1,1024,0.1\n");

        CliRun r = CliRun.of("validate", "--backend", "counting-backend", dir.resolve("tree").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("gemm bf16 (vllm)")
                .contains("1 x gemm_dtype nvfp4 (vllm): the reader does not map FP4 block-scaled GEMM rows to kernels")
                .contains("context attention bf16/bf16 (trtllm): 1 x attention_prefill: only GEMMs are modelled")
                .contains("Tables skipped (found in a directory, not scored):")
                .contains("  " + mamba + ": aiconfigurator table kind 'mamba2_perf' is not one FlowSim reads");

        // a table none of whose rows the backend prices is scored (not predicted, with the backend's reason)
        CliRun alone = CliRun.of("validate", "--backend", "counting-backend", attention.toString());
        assertThat(alone.exitCode()).as(alone.err()).isZero();
        assertThat(alone.out()).containsPattern("context attention bf16/bf16 \\(trtllm\\) +1 +0 +-");
        assertUsageError(CliRun.of("validate", "--backend", "counting-backend", mamba.toString()),
                mamba + ": aiconfigurator table kind 'mamba2_perf' is not one FlowSim reads");
    }

    /** As calibrate and bench: nothing to score is not a clean run with an empty table. */
    @Test
    void validateWithNoMeasurementToScoreIsBadInput() throws IOException {
        assertUsageError(CliRun.of("validate", "--backend", "counting-backend", "--only-groups", "gemm int3",
                table("gemm_small.csv")), "no measurements to score in " + table("gemm_small.csv")
                + " that --only-groups and --skip-groups select");
        Path empty = Files.createDirectories(dir.resolve("no-tables"));
        CliRun r = CliRun.of("validate", "--backend", "counting-backend", empty.toString());
        assertUsageError(r, "no measurements to score in " + empty);
        assertThat(r.out()).doesNotContain("Validation of backend");
    }

    @Test
    void validateScoresAnyBackendAndCountsWhatItCannotPredict() throws IOException {
        Path csv = dir.resolve("details.csv");
        CliRun r = CliRun.of("--quiet", "validate", "--backend", "counting-backend", table("gemm_small.csv"), "--csv",
                csv.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("gemm bf16").contains("gemm fp8 (+ quantization)")
                .contains("Not predicted by the backend").contains("only GEMMs are modelled")
                .contains("Rows skipped").contains("gemm_dtype int4");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("source,group,origin,key,measured_ns,predicted_ns");
        // counting-backend predicts 2*M*N*K / 1e6 ns for the bf16 GEMM: 2*128*4096*4096 / 1e6.
        assertThat(lines.get(1)).contains(",20000,4294,");
    }

    /**
     * Issue 16, item 8 for validate: a backend that failed (not one that does not model a kernel) says
     * so in the exit status, 3 when it predicted no measurement and 4 when it predicted some, with one
     * line on standard error; the table is still printed in full.
     */
    @Test
    void validateEndsWithExitCode3WhenTheBackendFailedOnEveryMeasurementAnd4WhenOnSome() {
        CliRun none = CliRun.of("--quiet", "-O", "counting-backend.fail-dtype=all", "validate", "--backend",
                "counting-backend", table("gemm_small.csv"));
        assertThat(none.exitCode()).as(none.err()).isEqualTo(3);
        assertThat(none.err().strip().lines()).singleElement().asString().startsWith("flowsim: ")
                .contains("counting-backend predicted none of the 3 measurements (3 failed, 0 unsupported");
        assertThat(none.out()).contains("gemm bf16").contains("the simulator refused it");

        CliRun some = CliRun.of("--quiet", "-O", "counting-backend.fail-dtype=fp8", "validate", "--backend",
                "counting-backend", table("gemm_small.csv"));
        assertThat(some.exitCode()).as(some.err()).isEqualTo(4);
        assertThat(some.err().strip().lines()).singleElement().asString()
                .contains("counting-backend predicted 1 of the 3 measurements (2 failed, 0 unsupported");
    }

    /** Issue 16, output safety: {@code --csv} naming a table being read is refused up front; the table is kept. */
    @Test
    void validateRefusesToWriteItsCsvOverATableItReads() throws IOException {
        Path tables = Files.createDirectories(dir.resolve("tables"));
        Path table = Files.copy(Path.of(table("gemm_small.csv")), tables.resolve("gemm_small.csv"));
        byte[] before = Files.readAllBytes(table);
        for (String input : List.of(table.toString(), tables.toString())) {
            CliRun r = CliRun.of("--quiet", "validate", "--backend", "counting-backend", input, "--csv", table.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).singleElement().asString().startsWith("flowsim: refusing to write")
                    .contains("gemm_small.csv");
            assertThat(r.out()).as("refused before any work").doesNotContain("Validation of backend");
            assertThat(Files.readAllBytes(table)).isEqualTo(before);
            try (var files = Files.list(tables)) {
                assertThat(files).as("no temporary file left").containsExactly(table);
            }
        }
    }

    @Test
    void calibrateNeedsAnOutputAndACalibratableBackend() {
        assertUsageError(CliRun.of("calibrate", table("gemm_small.csv")), "Missing required option");
        assertUsageError(CliRun.of("calibrate", "-o", dir.resolve("p.json").toString()), "name at least one table");
        assertUsageError(CliRun.of("calibrate", "-o", dir.resolve("p.json").toString(), "--held-out-fraction", "0",
                table("gemm_small.csv")), "--held-out-fraction must be above 0");
        assertUsageError(CliRun.of("calibrate", "-o", dir.toString(), table("gemm_small.csv")), "is a directory");
        assertUsageError(CliRun.of("calibrate", "--backend", "counting-backend", "-o", dir.resolve("p.json").toString(),
                table("gemm_small.csv")), "cannot be calibrated");
        assertThat(dir.resolve("p.json")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--synthetic=0", "--min-seconds=0", "--min-seconds=-1"})
    void benchRejectsBadNumbers(String option) {
        assertThat(CliRun.of("bench", option, "--synthetic=10").exitCode()).isEqualTo(2);
        CliRun r = CliRun.of("bench", "--synthetic=10", option);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void benchNeedsRequests() {
        assertUsageError(CliRun.of("bench"), "--synthetic N");
        assertUsageError(CliRun.of("bench", "--synthetic", "many"), "--synthetic");
    }

    @Test
    void benchTimesAnyBackendWithoutDeduplication() {
        CliRun r = CliRun.of("--quiet", "bench", "--backend", "counting-backend", "--synthetic", "500", "--min-seconds", "0.2",
                "--warmup-seconds", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Backend counting-backend on H100: 500 requests from 500 synthetic requests")
                .contains("kernels/s").contains("gemm").containsPattern("(?m)^all +500 ");
    }
}
