package io.flowsim.runtime;

import io.flowsim.api.SimulatorBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Options declared by an extension become command-line options: the demo third-party plugin, compiled
 * against flowsim-api and loaded through PF4J, declares {@code example-toy-roofline.tflops}; it shows
 * in {@code --help} and {@code flowsim plugins}, is type-checked, and reaches the backend typed (the
 * prediction changes with it).
 */
class DeclaredOptionsTest {

    private static final String TFLOPS = "--example-toy-roofline.tflops";

    @TempDir
    Path dir;

    private Path toyPlugin() throws IOException {
        Path demo = Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("demo/third-party-plugin");
        Path source = demo.resolve("src/main/java/com/example/flowsim/toy/ToyRooflineBackend.java");
        String provider = Files.readString(demo.resolve(
                "src/main/resources/META-INF/services/io.flowsim.api.SimulatorBackend")).strip();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("example-toy-backend").source(provider, Files.readString(source))
                .service(SimulatorBackend.class, provider).build(plugins);
        return plugins;
    }

    /** Simulates a 1024^3 GEMM (fake trace format of the test fakes) with the toy backend; returns the output line. */
    private CliRun simulate(Path plugins, String... extra) throws IOException {
        Path trace = Files.write(dir.resolve("gemm.fake-trace"), List.of("gemm_1024x1024x1024|0|5000|0"));
        List<String> args = new ArrayList<>(List.of("--quiet", "simulate", "--plugins-dir", plugins.toString(),
                "--backend", "example-toy-roofline", "--trace-file", trace.toString(), "--output-dir",
                dir.resolve("out").toString(), "--exporter", "fake-exporter"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private String predicted() throws IOException {
        return Files.readAllLines(dir.resolve("out").resolve("gemm.fake.txt")).get(0);
    }

    /** Help text with every run of white space (picocli wraps long lines) as one space. */
    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void aDeclaredOptionShowsInHelpAndInThePluginList() throws IOException {
        Path plugins = toyPlugin();
        CliRun help = CliRun.of("--plugins-dir", plugins.toString(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(flat(help.out())).contains("example-toy-roofline (simulator backend): " + TFLOPS + " (--toy.tflops)");

        CliRun simulateHelp = CliRun.of("simulate", "--plugins-dir", plugins.toString(), "--help");
        assertThat(flat(simulateHelp.out())).contains(TFLOPS + "=X").contains("peak TFLOP/s of the toy roofline")
                .contains("default: 500.0");
        // a command that runs no simulator backend does not offer it
        assertThat(CliRun.of("parse", "--plugins-dir", plugins.toString(), "--help").out()).doesNotContain(TFLOPS);

        CliRun list = CliRun.of("plugins", "--plugins-dir", plugins.toString());
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("example-toy-roofline (simulator backend)")
                .contains(TFLOPS + "=X (alias --toy.tflops)");
    }

    @Test
    void theValueReachesTheBackendTypedUnderEverySpelling() throws IOException {
        Path plugins = toyPlugin();
        // 2.147 GFLOP: 4295 ns at the default 500 TFLOP/s, 2147 ns at 1000 (memory traffic needs 2097 ns)
        assertThat(simulate(plugins).exitCode()).isZero();
        assertThat(predicted()).endsWith("|OK|4295");
        CliRun namespaced = simulate(plugins, TFLOPS, "1000");
        assertThat(namespaced.exitCode()).as(namespaced.err()).isZero();
        assertThat(predicted()).endsWith("|OK|2147");
        assertThat(simulate(plugins, "--toy.tflops=250").exitCode()).isZero();
        assertThat(predicted()).endsWith("|OK|8590");
        assertThat(simulate(plugins, "-O", "toy.tflops=1000").exitCode()).isZero();
        assertThat(predicted()).endsWith("|OK|2147");
        assertThat(simulate(plugins, "-O", "example-toy-roofline.tflops=250").exitCode()).isZero();
        assertThat(predicted()).endsWith("|OK|8590");
    }

    @Test
    void aValueOfTheWrongTypeIsAUsageErrorNamingTheOption() throws IOException {
        Path plugins = toyPlugin();
        CliRun r = simulate(plugins, TFLOPS, "lots");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(TFLOPS).contains("'lots' is not a number").doesNotContain("\tat ");
        CliRun viaOption = simulate(plugins, "-O", "toy.tflops=lots");
        assertThat(viaOption.exitCode()).isEqualTo(2);
        assertThat(viaOption.err()).contains(TFLOPS).contains("'lots' is not a number");
    }

    @Test
    void anOptionNoPluginDeclaresIsNamedInOneWarningAndTheRunGoesOn() throws IOException {
        Path plugins = toyPlugin();
        // a misspelt key and a profile parameter given as an option: each named once, the run unchanged
        CliRun r = simulate(plugins, "-O", "toy.tflopz=1000", "-O", "gemm.tile_overhead_k=5", "-O", "gemm.tile_overhead_k=6");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(predicted()).endsWith("|OK|4295");
        List<String> warnings = r.err().lines().filter(l -> l.contains("no installed plugin declares")).toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("--option toy.tflopz:").contains("flowsim plugins");
        assertThat(warnings.get(1)).contains("--option gemm.tile_overhead_k:").contains("--hardware FILE");
        // declared keys and aliases, and the keys the commands hand on themselves, are not named
        CliRun declared = simulate(plugins, "-O", "toy.tflops=1000", "-O", "example-toy-roofline.tflops=1000",
                "-O", "report=false");
        assertThat(declared.err()).doesNotContain("no installed plugin declares");
    }

    @Test
    void anExtensionDeclaringAnOptionOutsideItsNamespaceIsABrokenPlugin() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("squatter").source("com.example.s.Squatter", """
                package com.example.s;

                import io.flowsim.api.ExtensionOption;
                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulatorBackend;
                import io.flowsim.api.model.HardwareTarget;
                import io.flowsim.api.model.SimulationRequest;
                import io.flowsim.api.model.SimulationResult;
                import java.util.List;

                public final class Squatter implements SimulatorBackend {
                    public String name() { return "squatter"; }
                    public String description() { return "declares another extension's option"; }
                    public List<ExtensionOption<?>> declaredOptions() {
                        return List.of(ExtensionOption.string("analytical.gpu-name", "not mine"));
                    }
                    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                                           RunContext context) {
                        return List.of();
                    }
                }
                """).service(SimulatorBackend.class, "com.example.s.Squatter").build(plugins);
        CliRun r = CliRun.of("plugins", "--plugins-dir", plugins.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("squatter").contains("--analytical.gpu-name").contains("outside its namespace")
                .doesNotContain("\tat ");
    }
}
