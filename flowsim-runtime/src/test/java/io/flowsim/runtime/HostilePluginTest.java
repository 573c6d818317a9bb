package io.flowsim.runtime;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.PluginDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16, item 5 and the hostile-plugin part of the fault suite: a zip plugin with a {@code ../}
 * entry (zip-slip), its half-expanded folder from an earlier run, throwing constructors and names,
 * a corrupt jar: each one line naming the plugin, never an unrelated exception, never loaded.
 */
class HostilePluginTest {

    @TempDir
    Path dir;

    private static String backend(String pkg, String cls, String name, String constructorBody, String nameBody) {
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
                    public %s() { %s }
                    public String name() { %s return "%s"; }
                    public String description() { return "hostile"; }
                    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                                           RunContext context) {
                        return batch.stream().map(r -> SimulationResult.ok(1L, name(), Map.of())).toList();
                    }
                }
                """.formatted(pkg, cls, cls, constructorBody, nameBody, name);
    }

    private static ExtensionRegistry discover(Path pluginDir, boolean tolerate) {
        return PluginDiscovery.discover(new PluginDiscovery.Settings(List.of(pluginDir),
                HostilePluginTest.class.getClassLoader(), tolerate));
    }

    /** A zip plugin: plugin.properties, lib/ID.jar, and any extra entries (name to content). */
    private Path zipPlugin(Path plugins, String id, String... extraEntries) throws IOException {
        Path build = Files.createDirectories(dir.resolve("build-" + id));
        Path jar = new PluginJarBuilder(id).source("com.example.z.Slip", backend("com.example.z", "Slip", id + "-backend",
                "", "")).service(SimulatorBackend.class, "com.example.z.Slip").build(build);
        Path zip = plugins.resolve(id + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            put(out, "plugin.properties", "plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.provider=tests\n");
            out.putNextEntry(new ZipEntry("lib/" + id + ".jar"));
            Files.copy(jar, out);
            out.closeEntry();
            for (String e : extraEntries) {
                put(out, e, "written by a hostile zip");
            }
        }
        return zip;
    }

    private static void put(ZipOutputStream out, String name, String content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }

    @Test
    void aZipSlipPluginIsRefusedWithOneLineNamingItAndNothingIsWrittenOutside() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path zip = zipPlugin(plugins, "slip", "../escaped.txt");

        assertThatThrownBy(() -> discover(plugins, false))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PLUGIN);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("NullPointer")
                            .contains(zip.toString()).contains("../escaped.txt").contains("outside");
                });
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
        assertThat(plugins.resolve("slip")).as("not expanded").doesNotExist();
    }

    @Test
    void aHalfExpandedFolderOfARefusedZipIsNeverLoaded() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        zipPlugin(plugins, "slip", "../escaped.txt");
        // what an earlier FlowSim (or PF4J) left: the zip's folder, expanded up to the bad entry
        Path half = Files.createDirectories(plugins.resolve("slip/lib"));
        Files.writeString(plugins.resolve("slip/plugin.properties"), "plugin.id=slip\nplugin.version=1.0.0\n");
        Path build = Files.createDirectories(dir.resolve("build-half"));
        Files.copy(new PluginJarBuilder("slip").source("com.example.z.Slip", backend("com.example.z", "Slip",
                "slip-backend", "", "")).service(SimulatorBackend.class, "com.example.z.Slip").build(build),
                half.resolve("slip.jar"));

        try (ExtensionRegistry registry = discover(plugins, true)) {
            assertThat(registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "slip-backend")).isEmpty();
            assertThat(registry.failures()).singleElement().satisfies(f -> assertThat(f.describe()).contains("slip.zip"));
        }
    }

    @Test
    void aGoodZipPluginStillLoads() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        zipPlugin(plugins, "fine");
        try (ExtensionRegistry registry = discover(plugins, false)) {
            assertThat(registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "fine-backend")).isPresent();
        }
    }

    @Test
    void throwingConstructorsAndNamesAreFailuresNamingThePlugin() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("ctor").source("com.example.t.Ctor", backend("com.example.t", "Ctor", "ctor-backend",
                "throw new IllegalStateException(\"no licence\");", "")).service(SimulatorBackend.class,
                "com.example.t.Ctor").build(plugins);
        new PluginJarBuilder("named").source("com.example.t.Named", backend("com.example.t", "Named", "named-backend",
                "", "if (true) throw new UnsupportedOperationException(\"nameless\");")).service(SimulatorBackend.class,
                "com.example.t.Named").build(plugins);
        new PluginJarBuilder("oom").source("com.example.t.Oom", backend("com.example.t", "Oom", "oom-backend",
                "if (true) throw new ExceptionInInitializerError(\"static init failed\");", ""))
                .service(SimulatorBackend.class, "com.example.t.Oom").build(plugins);

        try (ExtensionRegistry registry = discover(plugins, true)) {
            assertThat(registry.failures()).hasSize(3);
            assertThat(registry.failures()).anySatisfy(f -> assertThat(f.describe()).contains("ctor").contains("no licence"));
            assertThat(registry.failures()).anySatisfy(f -> assertThat(f.describe()).contains("named").contains("nameless"));
            assertThat(registry.failures()).anySatisfy(f -> assertThat(f.describe()).contains("oom")
                    .contains("static init failed"));
        }
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "plugins");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> !l.isBlank()).toList()).singleElement().asString()
                .startsWith("flowsim: cannot load").contains("--ignore-broken-plugins");
    }

    @Test
    void aCorruptJarWithAPluginManifestIsOneLine() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = new PluginJarBuilder("cut").source("com.example.c.Cut", backend("com.example.c", "Cut", "cut-backend",
                "", "")).service(SimulatorBackend.class, "com.example.c.Cut").build(plugins);
        byte[] bytes = Files.readAllBytes(jar);
        try (OutputStream out = Files.newOutputStream(jar)) {
            out.write(bytes, 0, bytes.length / 2);
        }
        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "plugins");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> !l.isBlank()).toList()).singleElement().asString()
                .contains(jar.toString());
    }
}
