package io.flowsim.runtime;

import io.flowsim.api.KernelResolver;
import io.flowsim.api.SimulatorBackend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A third-party resolver or backend, loaded by PF4J from a plugin jar, that throws an unchecked exception on
 * one kernel (an {@code Operand} it built from a hostile shape, which the API rejects): the run ends with one
 * line naming the extension, its plugin and the kernel, exit code 1, no stack trace, and no outputs.
 */
class ThrowingPluginTest {

    /** What {@code Operand}'s constructor says about a shape past a long, thrown by the plugins below. */
    private static final String REJECTION = "operand input [1099511627776, 1099511627776] has more elements than a long counts";

    @TempDir
    Path dir;

    private static String resolver() {
        return """
                package com.example.r;

                import io.flowsim.api.KernelResolver;
                import io.flowsim.api.ResolverSession;
                import io.flowsim.api.RunContext;
                import java.util.Optional;

                public final class Throwing implements KernelResolver {
                    public String name() { return "throwing-resolver"; }
                    public String description() { return "throws on kernels named boom*"; }
                    public int priority() { return 100; }
                    public ResolverSession open(RunContext context) {
                        return kernel -> {
                            if (kernel.name().startsWith("boom")) {
                                throw new IllegalArgumentException("%s");
                            }
                            return Optional.empty();
                        };
                    }
                }
                """.formatted(REJECTION);
    }

    private static String backend() {
        return """
                package com.example.b;

                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulatorBackend;
                import io.flowsim.api.model.HardwareTarget;
                import io.flowsim.api.model.SimulationRequest;
                import io.flowsim.api.model.SimulationResult;
                import java.util.List;
                import java.util.Map;

                public final class Throwing implements SimulatorBackend {
                    public String name() { return "throwing-backend"; }
                    public String description() { return "throws on kernels named boom*"; }
                    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                                           RunContext context) {
                        for (SimulationRequest r : batch) {
                            if (r.kernelName().startsWith("boom")) {
                                throw new IllegalArgumentException("%s");
                            }
                        }
                        return batch.stream().map(r -> SimulationResult.ok(1_000L, name(), Map.of())).toList();
                    }
                }
                """.formatted(REJECTION);
    }

    private Path trace() throws IOException {
        return Files.write(dir.resolve("kernels.fake-trace"), List.of("gemm_8x8x8|0|1000|0", "gemm_16x16x16|2000|1000|0",
                "boom_kernel|4000|1000|0", "gemm_32x32x32|6000|1000|0"));
    }

    private static void assertOneLineNoStackTraceNoOutputs(CliRun r, Path out) throws IOException {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("internal error");
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.toList()).as("outputs of a failed run").isEmpty();
            }
        }
    }

    @Test
    void aResolverThatThrowsOnOneKernelIsOneLineNamingItsPluginAndTheKernel() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("throwing-resolver-plugin").source("com.example.r.Throwing", resolver())
                .service(KernelResolver.class, "com.example.r.Throwing").build(plugins);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--backend", "counting-backend",
                "--trace-file", trace().toString(), "--output-dir", out.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r, out);
        assertThat(r.err()).contains("kernel resolver 'throwing-resolver' (plugin throwing-resolver-plugin")
                .contains("failed on kernel 'boom_kernel' (#2)")
                .contains("IllegalArgumentException: " + REJECTION);
    }

    @Test
    void aBackendThatThrowsOnOneKernelOfItsBatchIsOneLineNamingItsPluginAndTheKernel() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("throwing-backend-plugin").source("com.example.b.Throwing", backend())
                .service(SimulatorBackend.class, "com.example.b.Throwing").build(plugins);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--backend", "throwing-backend",
                "--trace-file", trace().toString(), "--output-dir", out.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r, out);
        assertThat(r.err()).contains("simulator backend 'throwing-backend' (plugin throwing-backend-plugin")
                .contains("failed on kernel 'boom_kernel' (#2)")
                .contains("IllegalArgumentException: " + REJECTION);
    }

    @Test
    void withVerboseTheCauseStackTraceIsPrinted() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("throwing-resolver-plugin").source("com.example.r.Throwing", resolver())
                .service(KernelResolver.class, "com.example.r.Throwing").build(plugins);
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "--verbose", "simulate", "--backend",
                "counting-backend", "--trace-file", trace().toString(), "--output-dir", dir.resolve("out").toString(),
                "-q");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("com.example.r.Throwing");
    }
}
