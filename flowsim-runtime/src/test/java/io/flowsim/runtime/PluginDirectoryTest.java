package io.flowsim.runtime;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.TraceSource;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.FlowsimVersion;
import io.flowsim.runtime.discovery.PluginDiscovery;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineResult;
import io.flowsim.runtime.pipeline.PipelineSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real plugin jars, built in a temporary directory, loaded through PF4J. */
class PluginDirectoryTest {

    @TempDir
    Path dir;

    private static String backendSource(String className, String name, long predictionNs) {
        int dot = className.lastIndexOf('.');
        return """
                package %s;

                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulatorBackend;
                import io.flowsim.api.model.HardwareTarget;
                import io.flowsim.api.model.SimulationRequest;
                import io.flowsim.api.model.SimulationResult;
                import java.util.List;
                import java.util.Map;

                public final class %s implements SimulatorBackend {
                    public String name() { return "%s"; }
                    public String description() { return "a backend from a plugin jar"; }
                    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                                           RunContext context) {
                        return batch.stream().map(r -> SimulationResult.ok(%dL, name(), Map.of())).toList();
                    }
                }
                """.formatted(className.substring(0, dot), className.substring(dot + 1), name, predictionNs);
    }

    private static ExtensionRegistry discover(Path pluginDir, boolean tolerate) {
        return PluginDiscovery.discover(new PluginDiscovery.Settings(List.of(pluginDir),
                PluginDirectoryTest.class.getClassLoader(), tolerate));
    }

    @Test
    void aPluginJarIsLoadedThroughPf4jAndRunsInThePipeline() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("toy")
                .source("com.example.toy.ToyBackend", backendSource("com.example.toy.ToyBackend", "toy-backend", 777))
                .service(SimulatorBackend.class, "com.example.toy.ToyBackend")
                .build(plugins);
        Path trace = Files.write(dir.resolve("run.fake-trace"), List.of("gemm_8x8x8|0|1000|0", "mystery|10|500|0"));

        try (ExtensionRegistry registry = discover(plugins, false)) {
            Discovered<SimulatorBackend> toy = registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class,
                    "toy-backend").orElseThrow();
            assertThat(toy.origin().pluginId()).contains("toy");
            assertThat(toy.origin().version()).isEqualTo("1.2.3");
            assertThat(toy.origin().location()).contains(plugins.resolve("toy-1.2.3.jar"));
            // the plugin's class comes from its own PF4J class loader, not the application's
            assertThat(toy.extension().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());

            Path out = dir.resolve("out");
            PipelineResult result = new Pipeline(registry, RunContext.of(Options.empty(), Reporter.silent(), out))
                    .run(new PipelineSpec(trace, out, Optional.empty(), List.of(), List.of(), Optional.of("toy-backend"),
                            Optional.empty()));
            assertThat(result.summary().simulation().orElseThrow().predictedKernelTimeNs()).isEqualTo(2 * 777);
            assertThat(Files.readAllLines(out.resolve("run.fake.txt")))
                    .contains("gemm_8x8x8|gemm|EXACT_NAME|OK|777", "mystery|other|UNRESOLVED|OK|777");
        }
    }

    @Test
    void theDemoThirdPartyPluginBuildsAgainstTheApiAloneAndRuns() throws IOException {
        Path demo = Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("demo/third-party-plugin");
        Path source = demo.resolve("src/main/java/com/example/flowsim/toy/ToyRooflineBackend.java");
        String provider = Files.readString(demo.resolve(
                "src/main/resources/META-INF/services/io.flowsim.api.SimulatorBackend")).strip();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("example-toy-backend").source(provider, Files.readString(source))
                .service(SimulatorBackend.class, provider).build(plugins);
        // 1024 x 1024 x 1024 bf16 GEMM: 2.147 GFLOP at 500 TFLOP/s = 4295 ns; 6 MiB at 3 TB/s = 2097 ns
        Path trace = Files.write(dir.resolve("demo.fake-trace"), List.of("gemm_1024x1024x1024|0|5000|0"));
        try (ExtensionRegistry registry = discover(plugins, false)) {
            Path out = dir.resolve("out");
            PipelineResult result = new Pipeline(registry, RunContext.of(Options.empty(), Reporter.silent(), out))
                    .run(new PipelineSpec(trace, out, Optional.empty(), List.of(), List.of(),
                            Optional.of("example-toy-roofline"), Optional.empty()));
            assertThat(result.summary().simulation().orElseThrow().predictedKernelTimeNs()).isEqualTo(4295);
        }
    }

    @Test
    void twoExtensionsWithOneNameFailNamingBothOrigins() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("first").source("com.example.a.Same", backendSource("com.example.a.Same", "same-name", 1))
                .service(SimulatorBackend.class, "com.example.a.Same").build(plugins);
        new PluginJarBuilder("second").source("com.example.b.Same", backendSource("com.example.b.Same", "same-name", 2))
                .service(SimulatorBackend.class, "com.example.b.Same").build(plugins);

        assertThatThrownBy(() -> discover(plugins, true))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLUGIN))
                .hasMessageContaining("same-name")
                .hasMessageContaining("plugin first (" + plugins.resolve("first-1.2.3.jar"))
                .hasMessageContaining("plugin second (" + plugins.resolve("second-1.2.3.jar"));
    }

    @Test
    void aPluginClashingWithAClasspathExtensionIsReportedToo() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("clash")
                .source("com.example.c.Clash", backendSource("com.example.c.Clash", "counting-backend", 1))
                .service(SimulatorBackend.class, "com.example.c.Clash").build(plugins);
        assertThatThrownBy(() -> discover(plugins, false))
                .isInstanceOf(FlowsimException.class)
                .hasMessageContaining("counting-backend").hasMessageContaining("classpath").hasMessageContaining("plugin clash");
    }

    @Test
    void aBrokenJarStopsDiscoveryWithOneLineNamingTheFile() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path broken = Files.write(plugins.resolve("broken.jar"), "this is not a zip file".getBytes());
        assertThatThrownBy(() -> discover(plugins, false))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PLUGIN);
                    assertThat(e.getMessage()).doesNotContain("\n").contains(broken.toString())
                            .contains("--ignore-broken-plugins");
                });
    }

    @Test
    void withToleranceABrokenPluginIsSkippedAndTheOthersStillLoad() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.write(plugins.resolve("broken.zip"), new byte[] {1, 2, 3});
        new PluginJarBuilder("good").source("com.example.g.Good", backendSource("com.example.g.Good", "good", 5))
                .service(SimulatorBackend.class, "com.example.g.Good").build(plugins);
        try (ExtensionRegistry registry = discover(plugins, true)) {
            assertThat(registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "good")).isPresent();
            assertThat(registry.failures()).singleElement()
                    .satisfies(f -> assertThat(f.describe()).contains("broken.zip"));
        }
    }

    @Test
    void aPluginRequiringANewerFlowsimIsRefusedNamingWhatItRequiresAndTheRunningVersion() throws IOException {
        String running = FlowsimVersion.current().orElseThrow();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path future = new PluginJarBuilder("future").requires(">=99.0.0")
                .source("com.example.f.Future", backendSource("com.example.f.Future", "future", 5))
                .service(SimulatorBackend.class, "com.example.f.Future").build(plugins);
        assertThatThrownBy(() -> discover(plugins, false))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PLUGIN);
                    assertThat(e.getMessage()).doesNotContain("\n").contains("plugin future (" + future + ")")
                            .contains("requires FlowSim >=99.0.0").contains("this is FlowSim " + running)
                            .contains("--ignore-broken-plugins");
                });
        // tolerated, it is skipped: none of its extensions is created
        try (ExtensionRegistry registry = discover(plugins, true)) {
            assertThat(registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "future")).isEmpty();
            assertThat(registry.failures()).singleElement()
                    .satisfies(f -> assertThat(f.describe()).contains(">=99.0.0"));
        }
    }

    @Test
    void aPluginWhoseRequiresThisFlowsimSatisfiesLoads() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("past").requires(">=0.0.1")
                .source("com.example.p.Past", backendSource("com.example.p.Past", "past", 5))
                .service(SimulatorBackend.class, "com.example.p.Past").build(plugins);
        try (ExtensionRegistry registry = discover(plugins, false)) {
            assertThat(registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "past")).isPresent();
        }
    }

    @Test
    void aPluginRequiringTheReleaseADevelopmentBuildBelongsToLoads() throws IOException {
        String running = FlowsimVersion.current().orElseThrow();
        String release = running.replaceFirst("-.*$", "");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("current").requires(">=" + release)
                .source("com.example.c.Current", backendSource("com.example.c.Current", "current", 5))
                .service(SimulatorBackend.class, "com.example.c.Current").build(plugins);
        try (ExtensionRegistry registry = discover(plugins, false)) {
            assertThat(registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "current")).isPresent();
        }
    }

    @Test
    void aServiceEntryForAMissingClassIsAFailureNamingPluginAndClass() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("typo").source("com.example.t.Real", backendSource("com.example.t.Real", "real", 1))
                .service(SimulatorBackend.class, "com.example.t.Real")
                .service(TraceSource.class, "com.example.t.DoesNotExist").build(plugins);
        assertThatThrownBy(() -> discover(plugins, false))
                .isInstanceOf(FlowsimException.class)
                .hasMessageContaining("plugin typo").hasMessageContaining("com.example.t.DoesNotExist")
                .hasMessageContaining("class not found");
    }

    @Test
    void aPluginThatBundlesItsOwnApiIsExplained() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("bundler")
                .source("com.example.x.Bundled", backendSource("com.example.x.Bundled", "bundled", 1))
                .service(SimulatorBackend.class, "com.example.x.Bundled").bundleApi().build(plugins);
        assertThatThrownBy(() -> discover(plugins, false))
                .isInstanceOf(FlowsimException.class)
                .hasMessageContaining("plugin bundler")
                .hasMessageContaining("bundles flowsim-api");
    }

    @Test
    void jarsWithoutAPluginIdAndOtherFilesAreIgnored() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.createDirectories(plugins.resolve("classes"));
        Files.writeString(plugins.resolve("notes.txt"), "not a plugin");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(plugins.resolve("library.jar")))) {
            out.putNextEntry(new java.util.jar.JarEntry("a.txt"));
            out.closeEntry();
        }
        try (ExtensionRegistry registry = discover(plugins, false)) {
            assertThat(registry.failures()).isEmpty();
            assertThat(registry.all()).allSatisfy(d -> assertThat(d.origin().isClasspath()).isTrue());
        }
    }

    @Test
    void aMissingPluginsDirectoryIsAUsageError() {
        assertThatThrownBy(() -> discover(dir.resolve("nowhere"), false))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("nowhere");
    }
}
