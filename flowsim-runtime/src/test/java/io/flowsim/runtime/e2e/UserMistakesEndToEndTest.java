package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a user trips over, with the real bundled plugins (skipped when their zips are not built): a GPU the
 * backend does not know, or a broken hardware profile, is refused before any input is read, and {@code merge}
 * reports once.
 */
class UserMistakesEndToEndTest {

    @TempDir
    Path dir;

    /**
     * The inputs are not even a trace or a table: a command that read them first would fail on them. The GPU
     * is checked first, by the backend, and the line names the nearest of its profiles.
     */
    @Test
    void aGpuTheBackendDoesNotKnowIsRefusedBeforeAnyInputIsRead() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = Files.writeString(dir.resolve("junk.trace.json"), "this is not a trace");
        Path table = Files.writeString(dir.resolve("junk.csv"), "this,is,not\na,table,at all\n");
        List<List<String>> commands = List.of(
                List.of("simulate", "--trace-file", trace.toString(), "--output-dir", dir.resolve("o").toString()),
                List.of("validate", table.toString()),
                List.of("calibrate", table.toString(), "-o", dir.resolve("fitted.json").toString()),
                List.of("bench", "--trace-file", trace.toString()),
                // checked before the Spark job is looked for, let alone started
                List.of("spark", "--traces", trace.toString(), "--output", dir.resolve("s").toString()));
        for (List<String> command : commands) {
            assertThat(refusal(plugins, command, "--gpu", "H900")).as(command.get(0))
                    .startsWith("flowsim: the analytical backend has no hardware profile for 'H900' (did you mean h100-sxm?)")
                    .contains("Known profiles");
        }
        assertThat(dir.resolve("o")).doesNotExist();
        assertThat(dir.resolve("fitted.json")).doesNotExist();
    }

    /**
     * A trace whose {@code deviceProperties} give a device no usable name (a number, null, blanks: a damaged or
     * hand-edited trace) says which GPU it ran on no more than one without devices: without {@code --gpu} one
     * line asks for it (exit 2, not an internal error), with {@code --gpu} the run simulates that GPU.
     */
    @Test
    void aTraceDeviceWithoutAUsableNameIsAGpuNotRecorded() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        for (String name : List.of("12", "null", "\"  \"")) {
            Path trace = Files.writeString(dir.resolve("nameless.json"), "{\"deviceProperties\": [{\"id\": 0, \"name\": "
                    + name + ", \"numSms\": 132}], \"traceEvents\": [{\"ph\": \"X\", \"cat\": \"kernel\", \"name\":"
                    + " \"k\", \"pid\": 0, \"tid\": 7, \"ts\": 1000.0, \"dur\": 2.5, \"args\": {\"device\": 0,"
                    + " \"stream\": 7, \"correlation\": 1}}]}");
            CliRun r = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "simulate", "--trace-file",
                    trace.toString(), "--output-dir", dir.resolve("o").toString());
            assertThat(r.exitCode()).as(name + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().lines().filter(l -> !l.isBlank()).toList()).as(name).singleElement().asString()
                    .isEqualTo("flowsim: the trace " + trace + " does not say which GPU it was recorded on; name the GPU"
                            + " to simulate with --gpu");

            CliRun named = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "simulate", "--trace-file",
                    trace.toString(), "--output-dir", dir.resolve("o").toString(), "--gpu", "H200");
            assertThat(named.exitCode()).as(name + ": " + named.err()).isZero();
        }
    }

    /**
     * A trace whose kernels ran on GPUs of two models is simulated as one of them (the model most kernels ran on,
     * or {@code --gpu}): a warning names the models with their devices and kernel counts, so the kernels priced on
     * a GPU they did not run on are not a silent result. One model on several devices is no warning.
     */
    @Test
    void kernelsOnGpusOfTwoModelsAreAWarningNamingThem() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        String kernel = "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k\", \"pid\": %d, \"tid\": 7, \"ts\":"
                + " %d.0, \"dur\": 2.5, \"args\": {\"device\": %d, \"stream\": 7, \"correlation\": %d}}";
        String mixed = "{\"deviceProperties\": [{\"id\": 0, \"name\": \"NVIDIA H200\", \"numSms\": 132},"
                + " {\"id\": 1, \"name\": \"%s\", \"numSms\": %d}], \"traceEvents\": ["
                + String.format(kernel, 0, 1000, 0, 1) + ", " + String.format(kernel, 0, 1010, 0, 2) + ", "
                + String.format(kernel, 1, 1020, 1, 3) + "]}";
        Path twoModels = Files.writeString(dir.resolve("two-models.json"),
                String.format(mixed, "NVIDIA A100-SXM4-80GB", 108));
        for (List<String> gpu : List.of(List.<String>of(), List.of("--gpu", "H100"))) {
            List<String> args = new ArrayList<>(List.of("--quiet", "--plugins-dir", plugins.toString(), "simulate",
                    "--trace-file", twoModels.toString(), "--output-dir", dir.resolve("o").toString()));
            args.addAll(gpu);
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.err().lines().filter(l -> l.contains("warning")).toList()).as(gpu.toString())
                    .singleElement().asString()
                    .isEqualTo("warning: two-models.json: kernels ran on GPUs of 2 models (NVIDIA H200: device 0, 2"
                            + " kernels, NVIDIA A100-SXM4-80GB: device 1, 1 kernel); all are simulated as "
                            + (gpu.isEmpty() ? "NVIDIA H200" : "H100") + ", and compared with it as the trace's GPU");
        }
        Path oneModel = Files.writeString(dir.resolve("one-model.json"), String.format(mixed, "NVIDIA H200", 132));
        CliRun r = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "simulate", "--trace-file",
                oneModel.toString(), "--output-dir", dir.resolve("o1").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning");
    }

    /**
     * A hardware profile ({@code --hardware}) that is missing, not JSON, lacks a field or is a directory is the
     * backend's to refuse, and it does so before any input is read: the inputs are not even a trace or a table,
     * and a real trace is not parsed first (no "simulating ..." line before the refusal, as there was).
     */
    @Test
    void aBrokenHardwareProfileIsRefusedBeforeAnyInputIsRead() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = Files.writeString(dir.resolve("junk.trace.json"), "this is not a trace");
        Path table = Files.writeString(dir.resolve("junk.csv"), "this,is,not\na,table,at all\n");
        Path demoTrace = BundledPluginRun.repoDir()
                .resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.exists(demoTrace), "demo trace absent");
        Path noName = Files.writeString(dir.resolve("no-name.json"), "{\"id\": \"x\"}");
        Map<Path, String> profiles = Map.of(
                dir.resolve("absent.json"), "hardware profile not found: " + dir.resolve("absent.json"),
                Files.writeString(dir.resolve("cut.json"), "{\"id\": \"x\""), "hardware profile "
                        + dir.resolve("cut.json") + " is not valid JSON",
                noName, "hardware profile " + noName + ": missing field 'name'",
                Files.createDirectories(dir.resolve("profiles")), "hardware profile " + dir.resolve("profiles")
                        + " is a directory, not a profile file");
        List<String> simulateJunk = List.of("simulate", "--trace-file", trace.toString(), "--output-dir",
                dir.resolve("o").toString());
        List<String> simulateDemo = List.of("simulate", "--trace-file", demoTrace.toString(), "--output-dir",
                dir.resolve("o").toString());
        for (Map.Entry<Path, String> profile : profiles.entrySet()) {
            for (List<String> command : List.of(simulateJunk, simulateDemo)) {
                assertThat(refusal(plugins, command, "--hardware", profile.getKey().toString()))
                        .as(command + " --hardware " + profile.getKey().getFileName())
                        .startsWith("flowsim: " + profile.getValue());
            }
        }
        // the commands that read tables refused a broken profile first already; they still do
        for (List<String> command : List.of(List.of("validate", table.toString()),
                List.of("calibrate", table.toString(), "-o", dir.resolve("fitted.json").toString()),
                List.of("bench", "--trace-file", trace.toString()))) {
            assertThat(refusal(plugins, command, "--hardware", noName.toString())).as(command.get(0))
                    .startsWith("flowsim: " + profiles.get(noName));
        }
        assertThat(dir.resolve("o")).doesNotExist();
        assertThat(dir.resolve("fitted.json")).doesNotExist();
    }

    /**
     * The one line on standard error of {@code command} with {@code extra} options, which must exit 2, print
     * nothing else (nothing on standard output) and not name the junk inputs it was given.
     */
    private static String refusal(Path plugins, List<String> command, String... extra) {
        List<String> args = new ArrayList<>(List.of("--plugins-dir", plugins.toString()));
        args.addAll(command);
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(args + ": " + r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(args.toString()).singleElement().asString().doesNotContain("junk");
        return lines.get(0);
    }

    /**
     * A backend's URL option under a name the user guessed ({@code --llmcompass-url}, the plugin's option is
     * {@code --llmcompass.api-url}): too far for a typo, the words still find it.
     */
    @Test
    void aGuessedNameOfABackendsUrlOptionNamesTheRealOne() throws IOException {
        Path plugins = BundledPluginRun.pluginDirectory(dir, List.of("llmcompass"));
        for (String guess : List.of("--llmcompass-url", "--llmcompass-endpoint")) {
            CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", guess, "http://localhost:9",
                    "--trace-file", dir.resolve("absent.json").toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).as(guess).singleElement()
                    .asString().contains("'" + guess + "'").endsWith("(did you mean '--llmcompass.api-url'?)");
        }
    }

    /**
     * A directory of tables where some were measured on GPUs without a profile (hand-made tables whose device
     * column names such a GPU; every aiconfigurator system folder now names a GPU with a profile): the others
     * are scored, the rest listed as skipped with the reason and the way out; a table of such a GPU named alone
     * fails with its name; with nothing left to score, the one line says why.
     */
    @Test
    void validateScoresTheTablesOfKnownGpusAndSkipsTheOthersOfADirectory() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path tables = dir.resolve("tables");
        String gemm = "gemm_dtype,m,n,k,latency\nbfloat16,128,4096,4096,0.020\nbfloat16,256,4096,4096,0.030\n";
        Path h100 = Files.writeString(Files.createDirectories(tables.resolve("h100_sxm")).resolve("gemm.csv"), gemm);
        Path a10g = Files.writeString(Files.createDirectories(tables.resolve("g5")).resolve("gemm.csv"),
                onDevice("NVIDIA A10G", gemm));
        Path a6000 = Files.createDirectories(tables.resolve("workstation"));
        Files.writeString(a6000.resolve("gemm.csv"), onDevice("NVIDIA RTX A6000", gemm));
        Files.writeString(a6000.resolve("gemm_more.csv"), onDevice("NVIDIA RTX A6000", gemm));

        CliRun r = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "validate", tables.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("h100_sxm/gemm.csv [H100]").doesNotContain("g5/gemm.csv [")
                .contains("Tables skipped (found in a directory, not scored):")
                .contains("  " + a10g + ": measured on 'NVIDIA A10G' (its device column, or else its folder, names the"
                        + " GPU): the analytical backend has no hardware profile for 'NVIDIA A10G' (did you mean"
                        + " a10?): add one with --hardware FILE, see docs/hardware-profiles.md"
                        + System.lineSeparator())
                .as("a skipped table's reason is short: not every known profile again").doesNotContain("Known profiles");
        // the two tables of one folder share their reason's line
        assertThat(r.out().lines().filter(l -> l.contains("'NVIDIA RTX A6000'")).toList()).singleElement().asString()
                .startsWith("  " + a6000.resolve("gemm.csv") + " and " + a6000.resolve("gemm_more.csv") + ": ");
        assertThat(h100).exists();

        CliRun json = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "validate", "--format", "json",
                tables.toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"skipped_tables\"").contains(a6000.resolve("gemm_more.csv").toString());

        CliRun named = CliRun.of("--plugins-dir", plugins.toString(), "validate", a10g.toString());
        assertThat(named.exitCode()).as(named.err()).isEqualTo(2);
        assertThat(named.err().lines().filter(l -> !l.isBlank()).toList()).singleElement().asString()
                .startsWith("flowsim: " + a10g + ": measured on 'NVIDIA A10G'").contains("--hardware FILE")
                .contains("Known profiles").contains("t4 (Tesla T4)");

        CliRun nothing = CliRun.of("--plugins-dir", plugins.toString(), "validate", a6000.toString());
        assertThat(nothing.exitCode()).as(nothing.err()).isEqualTo(2);
        assertThat(nothing.err()).contains("no measurements to score in " + a6000)
                .contains("2 tables skipped, the first: measured on 'NVIDIA RTX A6000'");
        assertThat(nothing.out()).isEmpty();
    }

    /** A hand-made table with a device column naming {@code device} on each row. */
    private static String onDevice(String device, String table) {
        StringBuilder b = new StringBuilder();
        table.lines().forEach(l -> b.append(b.length() == 0 ? "device," : device + ",").append(l).append('\n'));
        return b.toString();
    }

    /**
     * calibrate and bench check each table's GPU as validate does: a real A100 table (the shared
     * aiconfigurator mla_bmm table, linked into a folder named like aiconfigurator's system) beside a hand-made
     * table whose device column names a GPU without a profile (the A10G, in a {@code g5/} folder): the A100 table
     * is fitted and timed, the other listed under "Tables skipped" with validate's reason; with nothing left, validate's exit-2 line.
     */
    @Test
    void calibrateAndBenchSkipTheTablesOfAGpuWithoutAProfileAsValidateDoes() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path real = BundledPluginRun.sharedDir()
                .resolve("data/groundtruth/aiconfigurator/a100_sxm/mla_bmm/sglang/0.5.10/mla_bmm_perf.csv.gz");
        assumeTrue(Files.isRegularFile(real), "groundtruth table absent");
        Path tables = dir.resolve("tables");
        Files.createSymbolicLink(Files.createDirectories(tables.resolve("a100_sxm/mla_bmm")).resolve(
                real.getFileName()), real);
        Path a10g = Files.writeString(Files.createDirectories(tables.resolve("g5")).resolve("gemm.csv"),
                onDevice("NVIDIA A10G", "gemm_dtype,m,n,k,latency\nbfloat16,128,4096,4096,0.020\n"
                        + "bfloat16,256,4096,4096,0.030\n"));
        String skipped = "  " + a10g + ": measured on 'NVIDIA A10G' (its device column, or else its folder, names the"
                + " GPU): the analytical backend has no hardware profile for 'NVIDIA A10G' (did you mean"
                + " a10?)";

        Path profile = dir.resolve("fitted.json");
        CliRun calibrate = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "calibrate", tables.toString(),
                "-o", profile.toString());
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        assertThat(calibrate.out()).contains("Calibrated NVIDIA A100-SXM4-80GB")
                .contains("Tables skipped (found in a directory, not used):").contains(skipped)
                .doesNotContain("Known profiles");
        assertThat(profile).isNotEmptyFile();

        CliRun bench = CliRun.of("--quiet", "--plugins-dir", plugins.toString(), "bench", tables.toString(),
                "--min-seconds", "0.05", "--warmup-seconds", "0");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).startsWith("Backend analytical on NVIDIA A100-SXM4-80GB")
                .contains("Tables skipped (found in a directory, not timed):").contains(skipped);

        CliRun nothing = CliRun.of("--plugins-dir", plugins.toString(), "bench", a10g.getParent().toString());
        assertThat(nothing.exitCode()).as(nothing.err()).isEqualTo(2);
        assertThat(nothing.err()).contains("no measurements to benchmark with in " + a10g.getParent())
                .contains("1 table skipped, the first: measured on 'NVIDIA A10G'");
        CliRun named = CliRun.of("--plugins-dir", plugins.toString(), "calibrate", a10g.toString(), "-o",
                dir.resolve("a10g.json").toString());
        assertThat(named.exitCode()).as(named.err()).isEqualTo(2);
        assertThat(named.err()).startsWith("flowsim: " + a10g + ": measured on 'NVIDIA A10G'");
        assertThat(dir.resolve("a10g.json")).doesNotExist();
    }

    /** The result once, on standard output like every command's results; nothing of it on standard error. */
    @Test
    void mergeReportsOnceOnStandardOutput() throws IOException {
        Path plugins = BundledPluginRun.pluginDirectory(dir);
        Path demo = BundledPluginRun.repoDir().resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.isRegularFile(demo), "demo trace absent");
        Path ranks = Files.createDirectories(dir.resolve("ranks"));
        Files.copy(demo, ranks.resolve("llama_TP-0.trace.json.gz"));
        Files.copy(demo, ranks.resolve("llama_TP-1.trace.json.gz"));
        Path merged = dir.resolve("merged.trace.json.gz");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "merge", "--trace-dir", ranks.toString(),
                "--output", merged.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).singleElement().asString().startsWith("Merged 2 traces into " + merged);
        assertThat(r.err()).doesNotContainPattern("(?i)merged \\d+ traces").doesNotContain(merged.toString());
        assertThat(merged).isNotEmptyFile();
    }
}
