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
        return resolver("new IllegalArgumentException(\"" + REJECTION + "\")");
    }

    /** The resolver, throwing {@code thrown} (a Java expression) on kernels named boom*. */
    private static String resolver(String thrown) {
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
                                throw %s;
                            }
                            return Optional.empty();
                        };
                    }
                }
                """.formatted(thrown);
    }

    private static String backend() {
        return backend("new IllegalArgumentException(\"" + REJECTION + "\")");
    }

    /** The backend, throwing {@code thrown} (a Java expression) on kernels named boom*. */
    private static String backend(String thrown) {
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
                                throw %s;
                            }
                        }
                        return batch.stream().map(r -> SimulationResult.ok(1_000L, name(), Map.of())).toList();
                    }
                }
                """.formatted(thrown);
    }

    /** A backend whose session cannot be opened: its {@code open} throws (a plugin bug, a missing resource). */
    private static String backendThatCannotOpen() {
        return """
                package com.example.o;

                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulationSession;
                import io.flowsim.api.SimulatorBackend;

                public final class Unopenable implements SimulatorBackend {
                    public String name() { return "unopenable-backend"; }
                    public String description() { return "throws when a session is opened"; }
                    public SimulationSession open(RunContext context) {
                        throw new IllegalStateException("no model file in the plugin's jar");
                    }
                }
                """;
    }

    /** A backend that throws on a GEMM with a dimension of 4,242 (a shape it cannot take), in any batch. */
    private static String backendThatThrowsOnAShape() {
        return """
                package com.example.s;

                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulatorBackend;
                import io.flowsim.api.model.HardwareTarget;
                import io.flowsim.api.model.SimulationRequest;
                import io.flowsim.api.model.SimulationResult;
                import java.util.List;
                import java.util.Map;

                public final class ShapeThrowing implements SimulatorBackend {
                    public String name() { return "shape-throwing-backend"; }
                    public String description() { return "throws on a dimension of 4242"; }
                    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                                           RunContext context) {
                        for (SimulationRequest r : batch) {
                            if (r.operands().stream().anyMatch(o -> o.shape().contains(4242L))) {
                                throw new ArithmeticException("tile count overflows");
                            }
                        }
                        return batch.stream().map(r -> SimulationResult.ok(1_000L, name(), Map.of())).toList();
                    }
                }
                """;
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

    /**
     * A plugin built against a newer flowsim-api calls what this one lacks: the JVM throws a linkage error
     * (NoSuchMethodError, NoClassDefFoundError) from the middle of its work, not an exception. Found by hand:
     * such a backend ended the run with "internal error on thread main: java.lang.NoClassDefFoundError ...
     * please report it", naming neither the backend nor its plugin. The plugins here throw the error the JVM
     * would throw.
     */
    @Test
    void aBackendOrResolverBuiltAgainstANewerApiIsOneLineNamingItsPluginAndTheKernel() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("newer-backend-plugin").source("com.example.b.Throwing",
                        backend("new NoSuchMethodError(\"'long io.flowsim.api.model.SimulationRequest.bytesMoved()'\")"))
                .service(SimulatorBackend.class, "com.example.b.Throwing").build(plugins);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--backend", "throwing-backend",
                "--trace-file", trace().toString(), "--output-dir", out.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r, out);
        assertThat(r.err()).contains("simulator backend 'throwing-backend' (plugin newer-backend-plugin")
                .contains("failed on kernel 'boom_kernel' (#2)")
                .contains("NoSuchMethodError").contains("built against another flowsim-api");

        Path resolverPlugins = Files.createDirectories(dir.resolve("resolver-plugins"));
        new PluginJarBuilder("newer-resolver-plugin").source("com.example.r.Throwing",
                        resolver("new NoClassDefFoundError(\"io/flowsim/api/model/OperandHint\")"))
                .service(KernelResolver.class, "com.example.r.Throwing").build(resolverPlugins);
        Path out2 = dir.resolve("out2");
        CliRun r2 = CliRun.of("--plugins-dir", resolverPlugins.toString(), "simulate", "--backend", "counting-backend",
                "--trace-file", trace().toString(), "--output-dir", out2.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r2, out2);
        assertThat(r2.err()).contains("kernel resolver 'throwing-resolver' (plugin newer-resolver-plugin")
                .contains("failed on kernel 'boom_kernel' (#2)").contains("NoClassDefFoundError");
    }

    @Test
    void aBackendWhoseOpenThrowsIsOneLineNamingItsPlugin() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("unopenable-backend-plugin").source("com.example.o.Unopenable", backendThatCannotOpen())
                .service(SimulatorBackend.class, "com.example.o.Unopenable").build(plugins);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--backend", "unopenable-backend",
                "--trace-file", trace().toString(), "--output-dir", out.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r, out);
        assertThat(r.err()).contains("simulator backend 'unopenable-backend' (plugin unopenable-backend-plugin")
                .contains("failed to open a session")
                .contains("IllegalStateException: no model file in the plugin's jar");

        CliRun validate = CliRun.of("--plugins-dir", plugins.toString(), "-q", "validate", "--backend",
                "unopenable-backend", table().toString());
        assertThat(validate.exitCode()).as(validate.err()).isEqualTo(1);
        assertThat(validate.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).singleElement().asString()
                .contains("simulator backend 'unopenable-backend' (plugin unopenable-backend-plugin")
                .contains("failed to open a session");
        assertThat(validate.err()).doesNotContain("\tat ").doesNotContain("internal error");

        CliRun bench = CliRun.of("--plugins-dir", plugins.toString(), "-q", "bench", "--backend",
                "unopenable-backend", "--synthetic", "10", "--warmup-seconds", "0", "--min-seconds", "0.01");
        assertThat(bench.exitCode()).as(bench.err()).isEqualTo(1);
        assertThat(bench.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).singleElement().asString()
                .contains("simulator backend 'unopenable-backend' (plugin unopenable-backend-plugin")
                .contains("failed to open a session");
        assertThat(bench.err()).doesNotContain("\tat ").doesNotContain("internal error");
    }

    /** A backend that predicts every kernel (1 us) and whose session throws when it is closed. */
    private static String backendWhoseCloseThrows() {
        return """
                package com.example.c;

                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulationSession;
                import io.flowsim.api.SimulatorBackend;
                import io.flowsim.api.model.HardwareTarget;
                import io.flowsim.api.model.SimulationRequest;
                import io.flowsim.api.model.SimulationResult;
                import java.util.List;
                import java.util.Map;

                public final class Unclosable implements SimulatorBackend {
                    public String name() { return "unclosable-backend"; }
                    public String description() { return "throws when its session is closed"; }
                    public SimulationSession open(RunContext context) {
                        return new SimulationSession() {
                            public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget t) {
                                return batch.stream().map(r -> SimulationResult.ok(1_000L, "unclosable-backend",
                                        Map.<String, String>of())).toList();
                            }
                            public void close() {
                                throw new IllegalStateException("connection pool already shut down");
                            }
                        };
                    }
                }
                """;
    }

    /** An exporter whose {@code open} throws (a plugin bug), and one whose session throws when closed. */
    private static String exporter(String className, String name, boolean throwOnOpen) {
        return """
                package com.example.e;

                import io.flowsim.api.ExportContext;
                import io.flowsim.api.ExportSession;
                import io.flowsim.api.Exporter;
                import io.flowsim.api.model.KernelResult;
                import io.flowsim.api.model.RunSummary;
                import java.nio.file.Path;
                import java.util.List;

                public final class %s implements Exporter {
                    public String name() { return "%s"; }
                    public String description() { return "a failing exporter"; }
                    public ExportSession open(ExportContext context) {
                        if (%s) {
                            throw new IllegalArgumentException("no template for " + context.traceName());
                        }
                        return new ExportSession() {
                            public void accept(KernelResult kernel) { }
                            public List<Path> finish(RunSummary summary) { return List.of(); }
                            public void close() { throw new IllegalStateException("buffer released twice"); }
                        };
                    }
                }
                """.formatted(className, name, throwOnOpen);
    }

    /**
     * A backend whose session's {@code close} throws: one line naming it and its plugin, exit 1, and nothing
     * that looks complete: no outputs of {@code simulate}, no table of {@code validate} or {@code bench}.
     */
    @Test
    void aBackendWhoseSessionThrowsWhenClosedIsOneLineNamingItsPluginAndLeavesNoOutputs() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("unclosable-backend-plugin").source("com.example.c.Unclosable", backendWhoseCloseThrows())
                .service(SimulatorBackend.class, "com.example.c.Unclosable").build(plugins);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--backend", "unclosable-backend",
                "--trace-file", trace().toString(), "--output-dir", out.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r, out);
        assertThat(r.err()).contains("simulator backend 'unclosable-backend' (plugin unclosable-backend-plugin")
                .contains("failed to close its session")
                .contains("IllegalStateException: connection pool already shut down");
        assertThat(r.out()).isEmpty();

        Path csv = dir.resolve("details.csv");
        CliRun validate = CliRun.of("--plugins-dir", plugins.toString(), "-q", "validate", "--backend",
                "unclosable-backend", table().toString(), "--csv", csv.toString());
        assertThat(validate.exitCode()).as(validate.err()).isEqualTo(1);
        assertThat(validate.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).singleElement().asString()
                .contains("simulator backend 'unclosable-backend' (plugin unclosable-backend-plugin")
                .contains("failed to close its session");
        assertThat(validate.err()).doesNotContain("\tat ").doesNotContain("internal error");
        assertThat(validate.out()).as("no table that looks complete").isEmpty();
        assertThat(csv).doesNotExist();

        CliRun bench = CliRun.of("--plugins-dir", plugins.toString(), "-q", "bench", "--backend",
                "unclosable-backend", "--synthetic", "10", "--warmup-seconds", "0", "--min-seconds", "0.01");
        assertThat(bench.exitCode()).as(bench.err()).isEqualTo(1);
        assertThat(bench.err()).contains("failed to close its session").doesNotContain("internal error");
        assertThat(bench.out()).isEmpty();
    }

    @Test
    void anExporterWhoseOpenOrCloseThrowsIsOneLineNamingItsPluginAndLeavesNoOutputs() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("unopenable-exporter-plugin")
                .source("com.example.e.Unopenable", exporter("Unopenable", "unopenable-exporter", true))
                .service(io.flowsim.api.Exporter.class, "com.example.e.Unopenable").build(plugins);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--backend", "counting-backend",
                "--trace-file", trace().toString(), "--output-dir", out.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(r, out);
        assertThat(r.err()).contains("exporter 'unopenable-exporter' (plugin unopenable-exporter-plugin")
                .contains("failed to open its export session for trace kernels")
                .contains("IllegalArgumentException: no template for kernels");

        Path closing = Files.createDirectories(dir.resolve("closing-plugins"));
        new PluginJarBuilder("unclosable-exporter-plugin")
                .source("com.example.e.Unclosable", exporter("Unclosable", "unclosable-exporter", false))
                .service(io.flowsim.api.Exporter.class, "com.example.e.Unclosable").build(closing);
        Path out2 = dir.resolve("out2");
        CliRun c = CliRun.of("--plugins-dir", closing.toString(), "parse", "--trace-file", trace().toString(),
                "--output-dir", out2.toString(), "-q");
        assertOneLineNoStackTraceNoOutputs(c, out2);
        assertThat(c.err()).contains("exporter 'unclosable-exporter' (plugin unclosable-exporter-plugin")
                .contains("failed to close its export session of trace kernels")
                .contains("IllegalStateException: buffer released twice");
    }

    /** A GEMM table whose third data row (line 4 of the file) has the shape the backend above throws on. */
    private Path table() throws IOException {
        return Files.write(dir.resolve("gemm_rows.csv"), List.of(
                "framework,version,device,op_name,kernel_source,gemm_dtype,m,n,k,latency",
                "SGLang,0.0.0,NVIDIA H100 80GB HBM3,gemm,handwritten,bfloat16,128,4096,4096,0.020",
                "SGLang,0.0.0,NVIDIA H100 80GB HBM3,gemm,handwritten,bfloat16,256,4096,4096,0.030",
                "SGLang,0.0.0,NVIDIA H100 80GB HBM3,gemm,handwritten,bfloat16,128,4242,4096,0.021",
                "SGLang,0.0.0,NVIDIA H100 80GB HBM3,gemm,handwritten,bfloat16,512,4096,4096,0.050"));
    }

    @Test
    void aBackendThatThrowsOnAMeasuredRowNamesTheFileAndLineOfTheRow() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("shape-throwing-plugin").source("com.example.s.ShapeThrowing", backendThatThrowsOnAShape())
                .service(SimulatorBackend.class, "com.example.s.ShapeThrowing").build(plugins);
        Path csv = dir.resolve("details.csv");
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "-q", "validate", "--backend", "shape-throwing-backend",
                table().toString(), "--csv", csv.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).as(r.err()).singleElement()
                .asString().contains("simulator backend 'shape-throwing-backend' (plugin shape-throwing-plugin")
                .contains("of the measured row gemm_rows.csv:4 (group gemm bf16)")
                .contains("ArithmeticException: tile count overflows");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("a batch of");
        assertThat(csv).doesNotExist();
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
