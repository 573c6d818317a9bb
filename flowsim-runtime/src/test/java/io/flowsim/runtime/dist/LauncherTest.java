package io.flowsim.runtime.dist;

import io.flowsim.runtime.dist.BashRun.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The distribution's launcher, {@code bin/flowsim}, as a user runs it: a real bash running the script
 * the build assembled ({@code target/flowsim}), starting a real JVM. Runs in the build's
 * {@code distribution-launcher} execution, after {@code package} has assembled the distribution, so it
 * checks what ships, not the sources. The launcher's own logic is checked here: finding its home
 * through a symbolic link, the message and exit code without a Java or with a JVM option the JVM rejects
 * (options that write files or run code left out of that trial),
 * passing the program's exit code through, and the class-data archive: made once by a first {@code parse}, renamed into place whole,
 * used by the next run without changing a byte of the output, and never made when switched off or
 * when the run failed.
 */
class LauncherTest {

    @TempDir
    static Path work;

    private static Path launcher;
    private static Path demoTrace;

    @BeforeAll
    static void findDistribution() {
        Path target = Path.of(System.getProperty("flowsim.distribution", "target/flowsim"));
        launcher = target.resolve("bin/flowsim").toAbsolutePath();
        assumeTrue(Files.isExecutable(launcher), "no assembled distribution at " + target + " (run mvn package)");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
        demoTrace = Path.of("..", "demo", "traces", "h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(demoTrace), "no demo trace at " + demoTrace);
    }

    /** bash runs {@code script} with the given environment on top of a minimal one ({@link BashRun}). */
    private static Result run(Path script, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return BashRun.run(work, script, env, args);
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void versionThroughASymbolicLinkFindsTheDistribution() throws Exception {
        Path links = Files.createDirectories(work.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("fs"), launcher);
        Result r = run(link, Map.of("FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("FlowSim " + System.getProperty("flowsim.version", ""));
        assertThat(r.stdout()).contains("Java " + Runtime.version().feature());
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void withoutAJavaItSaysSoInOneLineAndExits3() throws Exception {
        Path emptyBin = Files.createDirectories(work.resolve("empty-bin"));
        Result r = run(launcher, Map.of("JAVA_HOME", work.resolve("no-such-jdk").toString(),
                "PATH", emptyBin.toString()), "--version");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines()).containsExactly(
                "flowsim: no Java found: install Java 17 or newer, or set JAVA_HOME");
    }

    @Test
    void aJvmOptionTheJvmRejectsIsOneLineNamingTheVariableAndExits2() throws Exception {
        Path cds = work.resolve("cds-opts");
        Result r = run(launcher, Map.of("FLOWSIM_OPTS", "-Xmx1q", "FLOWSIM_CDS_DIR", cds.toString(),
                "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines()).singleElement().asString()
                .startsWith("flowsim: the JVM rejects an option of FLOWSIM_OPTS ('-Xmx1q'): ").contains("-Xmx1q")
                .doesNotContain("Could not create the Java Virtual Machine");
        Result both = run(launcher, Map.of("JAVA_OPTS", "-XX:+NoSuchFlowsimFlag", "FLOWSIM_OPTS", "-Xmx256m",
                "FLOWSIM_CDS_DIR", cds.toString(), "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr().strip().lines()).singleElement().asString()
                .contains("JAVA_OPTS ('-XX:+NoSuchFlowsimFlag') or FLOWSIM_OPTS ('-Xmx256m')").contains("NoSuchFlowsimFlag");
        assertThat(names(cds)).as("nothing is remembered of rejected options").isEmpty();
        // options the JVM takes: the run goes on, and they are remembered, so the next run tries nothing
        Result ok = run(launcher, Map.of("FLOWSIM_OPTS", "-Xmx256m", "FLOWSIM_CDS_DIR", cds.toString(),
                "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(ok.stdout()).startsWith("FlowSim ");
        assertThat(ok.stderr()).isEmpty();
        assertThat(names(cds)).singleElement().asString().matches("\\.opts-ok-\\d+");
    }

    /**
     * An option that writes a file (here a log, named by the process id, so every JVM that takes it leaves
     * one) is left out of the launcher's trial JVM: it takes effect once, in the real run. A debugger agent
     * with {@code suspend=y} or a {@code -javaagent} is left out by the same rule, which a test cannot wait on.
     */
    @Test
    void anOptionThatWritesAFileTakesEffectOnlyInTheRealRun() throws Exception {
        Path cds = work.resolve("cds-log-opts");
        Path logs = Files.createDirectories(work.resolve("jvm-logs"));
        String log = "-Xlog:gc:file=" + logs.resolve("gc-%p.log");
        Result r = run(launcher, Map.of("FLOWSIM_OPTS", log + " -Xmx256m", "FLOWSIM_CDS_DIR", cds.toString(),
                "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("FlowSim ");
        assertThat(names(logs)).as("one JVM wrote the log: the real run").hasSize(1);
        assertThat(names(cds)).as("the other options were tried and remembered").singleElement().asString()
                .matches("\\.opts-ok-\\d+");

        // a plain bad option beside it is still one line and exit 2, and nothing ran that wrote the log
        Path rejectedLogs = Files.createDirectories(work.resolve("jvm-logs-rejected"));
        Result bad = run(launcher, Map.of("FLOWSIM_OPTS", "-Xlog:gc:file=" + rejectedLogs.resolve("gc-%p.log")
                + " -Xmx1q", "FLOWSIM_CDS_DIR", cds.toString(), "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr().strip().lines()).singleElement().asString()
                .startsWith("flowsim: the JVM rejects an option of FLOWSIM_OPTS (").contains("-Xmx1q");
        assertThat(names(rejectedLogs)).isEmpty();
    }

    /**
     * Options in files of options ({@code @argfile}, {@code -XX:VMOptionsFile=}) are not read by the launcher,
     * so they are left out of the trial as a whole: an option there that writes a file (or waits for a
     * debugger) takes effect once, in the real run.
     */
    @Test
    void optionsInFilesOfOptionsTakeEffectOnlyInTheRealRun() throws Exception {
        Path logs = Files.createDirectories(work.resolve("jvm-logs-argfile"));
        Path argfile = Files.writeString(work.resolve("jvm.args"), "-Xlog:gc:file=" + logs.resolve("gc-%p.log") + "\n");
        Result r = run(launcher, Map.of("FLOWSIM_OPTS", "@" + argfile + " -Xmx256m",
                "FLOWSIM_CDS_DIR", work.resolve("cds-argfile").toString(), "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("FlowSim ");
        assertThat(names(logs)).as("one JVM read the argfile: the real run").hasSize(1);

        Path vmLogs = Files.createDirectories(work.resolve("jvm-logs-vmoptionsfile"));
        Path optionsFile = Files.writeString(work.resolve("jvm.options"),
                "-Xlog:gc:file=" + vmLogs.resolve("gc-%p.log") + "\n");
        Result v = run(launcher, Map.of("JAVA_OPTS", "-XX:VMOptionsFile=" + optionsFile,
                "FLOWSIM_CDS_DIR", work.resolve("cds-vmoptionsfile").toString(), "FLOWSIM_NEWER_JDK", "off"),
                "--version");
        assertThat(v.exitCode()).as(v.stderr()).isZero();
        assertThat(names(vmLogs)).as("one JVM read the options file: the real run").hasSize(1);
    }

    /**
     * The JVM that makes the class-data archive after a first run is FlowSim's own: the user's
     * JAVA_TOOL_OPTIONS (an agent, a debugger, a log file) are for the run, and do not reach it. Here they
     * write a VM log per JVM, named by its process id.
     */
    @Test
    void theArchiveIsMadeWithoutTheUsersJavaToolOptions() throws Exception {
        Path cds = work.resolve("cds-tool-options-dump");
        Path logs = Files.createDirectories(work.resolve("vm-logs-dump"));
        Result r = run(launcher, Map.of("FLOWSIM_CDS_DIR", cds.toString(), "FLOWSIM_NEWER_JDK", "off",
                "JAVA_TOOL_OPTIONS", "-XX:+UnlockDiagnosticVMOptions -XX:+LogVMOutput -XX:LogFile="
                        + logs.resolve("vm-%p.log")),
                "parse", "--trace-file", demoTrace.toString(), "--output-dir", work.resolve("out-tool-dump").toString(),
                "--no-report");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(names(cds)).as("the archive was made").anyMatch(n -> n.matches("flowsim-\\d+-\\d+-parse\\..*"));
        assertThat(names(logs)).as("only the run's JVM took JAVA_TOOL_OPTIONS").hasSize(1);
    }

    /**
     * JAVA_TOOL_OPTIONS reaches every JVM, the trial one included; it is not FLOWSIM_OPTS's fault when
     * the JVM rejects it, so the trial leaves it out and the line never blames FLOWSIM_OPTS for it.
     */
    @Test
    void aBadJavaToolOptionIsNotBlamedOnFlowsimOpts() throws Exception {
        Result r = run(launcher, Map.of("FLOWSIM_OPTS", "-Xmx256m", "JAVA_TOOL_OPTIONS", "-XX:+NoSuchFlowsimFlag",
                "FLOWSIM_CDS_DIR", work.resolve("cds-tool-opts").toString(), "FLOWSIM_NEWER_JDK", "off"), "--version");
        assertThat(r.exitCode()).as("the real run fails on JAVA_TOOL_OPTIONS").isNotZero();
        assertThat(r.stderr()).contains("NoSuchFlowsimFlag").doesNotContain("FLOWSIM_OPTS");
    }

    /**
     * The JDK running this test (a static AppCDS archive before JDK 25), and the newest JDK 25 or later
     * installed in Debian's /usr/lib/jvm when there is one (an AOT cache).
     */
    static Stream<String> jdks() throws IOException {
        List<String> jdks = new ArrayList<>(List.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms) && Runtime.version().feature() < 25) {
            String newest = null;
            int best = 24;
            for (String name : names(jvms)) {
                Path release = jvms.resolve(name).resolve("release");
                if (!Files.isExecutable(jvms.resolve(name).resolve("bin/java")) || !Files.isReadable(release)) {
                    continue;
                }
                Matcher m = JAVA_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
                if (m.find() && Integer.parseInt(m.group(1)) > best) {
                    best = Integer.parseInt(m.group(1));
                    newest = jvms.resolve(name).toString();
                }
            }
            if (newest != null) {
                jdks.add(newest);
            }
        }
        return jdks.stream();
    }

    /** ConsoleReporter's progress lines when not on a terminal: "label: [===   ] ..." or "label: 1,341 kernels ...". */
    private static final Pattern PROGRESS_LINE = Pattern.compile("(?m)^[a-z][a-z ]*: (\\[|\\d[\\d,]* ).*\\R");

    static String withoutProgress(String stderr) {
        return PROGRESS_LINE.matcher(stderr).replaceAll("");
    }

    @Test
    void onlyProgressLinesAreLeftOutOfTheComparedErrorOutput() {
        String jvm = "[0.011s][warning][cds] an archive message\n";
        String refusal = "flowsim: trace file not found: a.json\n";
        assertThat(withoutProgress("resolving and exporting kernels: 1,341 kernels in 2.1s\n" + jvm
                + "parsing traces: [====    ]  17% 1/6 files\n" + refusal)).isEqualTo(jvm + refusal);
    }

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    @ParameterizedTest
    @MethodSource("jdks")
    void theClassDataArchiveIsMadeOnceAndChangesNothing(String jdk) throws Exception {
        Path cds = Files.createTempDirectory(work, "cds");
        Map<String, String> env = Map.of("FLOWSIM_CDS_DIR", cds.toString(), "JAVA_HOME", jdk);

        Path first = Files.createTempDirectory(work, "first");
        Result made = run(launcher, env, "parse", "--trace-file", demoTrace.toString(), "--output-dir", first.toString());
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        // one archive for parse, under its final name; no class list or half-written archive left behind
        List<String> archives = names(cds);
        assertThat(archives).hasSize(1);
        assertThat(archives.get(0)).matches("flowsim-\\d+-\\d+-parse\\."
                + (javaFeature(jdk) >= 25 ? "aot" : "static\\.jsa"));
        assertThat(Files.size(cds.resolve(archives.get(0)))).isPositive();

        Path second = Files.createTempDirectory(work, "second");
        Result used = run(launcher, env, "parse", "--trace-file", demoTrace.toString(), "--output-dir", second.toString());
        assertThat(used.exitCode()).as(used.stderr()).isZero();
        assertThat(names(cds)).as("the second run maps the archive, it does not make another").isEqualTo(archives);
        // the JVM's archive messages never reach the user: the two runs print the same, and write the same files
        assertThat(used.stdout().replace(second.toString(), first.toString())).isEqualTo(made.stdout());
        // a step's progress line is printed only when the step takes 2 s or more, which depends on the machine's load
        assertThat(withoutProgress(used.stderr().replace(second.toString(), first.toString())))
                .isEqualTo(withoutProgress(made.stderr()));
        assertThat(names(second)).isEqualTo(names(first)).isNotEmpty();
        for (String name : names(first)) {
            if (Files.isRegularFile(first.resolve(name)) && name.endsWith(".csv")) {
                assertThat(Files.readAllBytes(second.resolve(name))).as(name).isEqualTo(Files.readAllBytes(first.resolve(name)));
            }
        }
    }

    private static int javaFeature(String jdk) throws IOException {
        Matcher m = JAVA_VERSION.matcher(Files.readString(Path.of(jdk, "release"), StandardCharsets.UTF_8));
        assertThat(m.find()).as("JAVA_VERSION in %s/release", jdk).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aFailedRunPassesItsExitCodeOnAndMakesNoArchive() throws Exception {
        Path cds = work.resolve("cds-failed");
        Result r = run(launcher, Map.of("FLOWSIM_CDS_DIR", cds.toString(), "FLOWSIM_NEWER_JDK", "off"),
                "parse", "--trace-file", work.resolve("missing.trace.json.gz").toString(),
                "--output-dir", work.resolve("out-failed").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("missing.trace.json.gz").doesNotContain("\tat ", "Exception");
        assertThat(names(cds)).as("no archive and no leftover from a failed first run").isEmpty();
    }

    @Test
    void switchedOffNoArchiveIsMade() throws Exception {
        Path cds = work.resolve("cds-off");
        Result r = run(launcher, Map.of("FLOWSIM_CDS_DIR", cds.toString(), "FLOWSIM_CDS", "off",
                "FLOWSIM_NEWER_JDK", "off"),
                "parse", "--trace-file", demoTrace.toString(), "--output-dir", work.resolve("out-off").toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(names(cds)).isEmpty();
    }
}
