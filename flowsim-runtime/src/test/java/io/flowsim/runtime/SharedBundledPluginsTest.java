package io.flowsim.runtime;

import io.flowsim.api.SimulatorBackend;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.PluginDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bundled plugins the launcher put on the class path (one class loader, one copy of each library):
 * found by ServiceLoader, reported with their plugin's origin, left out by --no-bundled-plugins,
 * and invisible to third-party PF4J plugins. Real jars compiled by the test; a URLClassLoader over
 * the bundled jar stands in for the launcher's class path.
 */
class SharedBundledPluginsTest {

    @TempDir
    Path dir;

    private static String backend(String pkg, String cls, String nameExpression) {
        return backend(pkg, cls, nameExpression, "");
    }

    private static String backend(String pkg, String cls, String nameExpression, String members) {
        return """
                package %s;

                import io.flowsim.api.RunContext;
                import io.flowsim.api.SimulatorBackend;
                import io.flowsim.api.model.HardwareTarget;
                import io.flowsim.api.model.SimulationRequest;
                import io.flowsim.api.model.SimulationResult;
                import java.util.List;

                public final class %s implements SimulatorBackend {
                    public String name() { return %s; }
                    public String description() { return "test backend"; }
                    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                                           RunContext context) {
                        return List.of();
                    }
                    %s
                }
                """.formatted(pkg, cls, nameExpression, members);
    }

    private Path bundledPlugin(Path bundled) throws IOException {
        Path lib = Files.createDirectories(bundled.resolve("shared-toy/lib"));
        Files.writeString(bundled.resolve("shared-toy/plugin.properties"),
                "plugin.id=shared-toy\nplugin.version=4.5.6\n");
        return new PluginJarBuilder("shared-toy")
                .source("com.example.shared.SharedBackend",
                        backend("com.example.shared", "SharedBackend", "\"shared-backend\""))
                .service(SimulatorBackend.class, "com.example.shared.SharedBackend")
                .build(lib);
    }

    private static ExtensionRegistry discover(List<Path> dirs, ClassLoader loader, Path bundled, boolean enabled) {
        return PluginDiscovery.discover(new PluginDiscovery.Settings(dirs, loader, false,
                Optional.of(new PluginDiscovery.SharedPlugins(bundled, Set.of("shared-toy"), enabled))));
    }

    @Test
    void aBundledPluginOnTheClassPathKeepsItsPluginOriginAndIsFoundOnce() throws IOException {
        Path bundled = dir.resolve("plugins");
        Path jar = bundledPlugin(bundled);
        try (URLClassLoader classPath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
             ExtensionRegistry registry = discover(List.of(bundled), classPath, bundled, true)) {
            List<Discovered<?>> backends = registry.all(ExtensionPoint.SIMULATOR_BACKEND).stream()
                    .filter(d -> d.name().equals("shared-backend")).toList();
            assertThat(backends).hasSize(1); // not a second time through PF4J
            Discovered<?> d = backends.get(0);
            assertThat(d.origin().pluginId()).contains("shared-toy");
            assertThat(d.origin().version()).isEqualTo("4.5.6");
            assertThat(d.origin().location()).contains(bundled.toAbsolutePath().normalize().resolve("shared-toy"));
            assertThat(d.extension().getClass().getClassLoader()).isSameAs(classPath);
            assertThat(registry.failures()).isEmpty();
        }
    }

    @Test
    void noBundledPluginsLeavesTheClassPathPluginOut() throws IOException {
        Path bundled = dir.resolve("plugins");
        Path jar = bundledPlugin(bundled);
        try (URLClassLoader classPath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
             ExtensionRegistry registry = discover(List.of(), classPath, bundled, false)) {
            assertThat(registry.all(ExtensionPoint.SIMULATOR_BACKEND)).extracting(Discovered::name)
                    .doesNotContain("shared-backend");
        }
    }

    @Test
    void aThirdPartyPluginDoesNotSeeTheSharedBundledClasses() throws IOException {
        Path bundled = dir.resolve("plugins");
        Path jar = bundledPlugin(bundled);
        Path thirdParty = Files.createDirectories(dir.resolve("third-party"));
        String sees = """
                private static boolean sees() {
                    if (Probe.class.getClassLoader().getResource("com/example/shared/SharedBackend.class") != null) {
                        return true;
                    }
                    try {
                        Class.forName("com.example.shared.SharedBackend", false, Probe.class.getClassLoader());
                        return true;
                    } catch (ClassNotFoundException e) {
                        return false;
                    }
                }
                """;
        new PluginJarBuilder("probe")
                .source("com.example.probe.Probe", backend("com.example.probe", "Probe",
                        "sees() ? \"probe-sees-shared\" : \"probe-blind\"", sees))
                .service(SimulatorBackend.class, "com.example.probe.Probe")
                .build(thirdParty);
        try (URLClassLoader classPath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
             ExtensionRegistry registry = discover(List.of(bundled, thirdParty), classPath, bundled, true)) {
            // the class path itself does hold the class: the probe is blind only through its parent
            assertThat(Class.forName("com.example.shared.SharedBackend", false, classPath)).isNotNull();
            assertThat(registry.all(ExtensionPoint.SIMULATOR_BACKEND)).extracting(Discovered::name)
                    .contains("shared-backend", "probe-blind").doesNotContain("probe-sees-shared");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
