package io.flowsim.runtime;

import io.flowsim.api.SimulatorBackend;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds real PF4J jar plugins in a test directory: compiles Java sources against flowsim-api with
 * the JDK compiler and packs them with a PF4J manifest and {@code META-INF/services} files.
 */
final class PluginJarBuilder {

    private final String pluginId;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private boolean bundleApi;
    private String requires;

    PluginJarBuilder(String pluginId) {
        this.pluginId = pluginId;
    }

    /** Adds a source file, e.g. {@code ("com.example.Toy", "package com.example; ...")}. */
    PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Lists a provider class for an extension point interface. */
    PluginJarBuilder service(Class<?> extensionPoint, String providerClass) {
        services.computeIfAbsent(extensionPoint.getName(), k -> new ArrayList<>()).add(providerClass);
        return this;
    }

    /** Writes {@code Plugin-Requires: constraint} (the FlowSim versions the plugin accepts) into the manifest. */
    PluginJarBuilder requires(String constraint) {
        this.requires = constraint;
        return this;
    }

    /** Also packs the flowsim-api classes into the jar: the classic mistake the runtime must explain. */
    PluginJarBuilder bundleApi() {
        this.bundleApi = true;
        return this;
    }

    static Path apiLocation() {
        try {
            return Path.of(SimulatorBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    Path build(Path directory) throws IOException {
        Path work = Files.createTempDirectory(directory, "build-" + pluginId);
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", apiLocation().toString(),
                "--release", "17", "-proc:none"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = compiler.run(null, null, errors, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("plugin sources do not compile: " + errors.toString(StandardCharsets.UTF_8));
        }

        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Plugin-Id", pluginId);
        main.putValue("Plugin-Version", "1.2.3");
        main.putValue("Plugin-Provider", "FlowSim tests");
        main.putValue("Plugin-Description", "built by a test");
        if (requires != null) {
            main.putValue("Plugin-Requires", requires);
        }
        Path jar = directory.resolve(pluginId + "-1.2.3.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            TreeSet<String> dirs = new TreeSet<>();
            dirs.add("META-INF/services/");
            Map<String, byte[]> files = new LinkedHashMap<>();
            collect(classes, files, dirs);
            if (bundleApi) {
                collect(apiLocation(), files, dirs);
            }
            for (String d : dirs) {
                out.putNextEntry(new JarEntry(d));
                out.closeEntry();
            }
            for (Map.Entry<String, List<String>> s : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
                out.write((String.join("\n", s.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                out.putNextEntry(new JarEntry(f.getKey()));
                out.write(f.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Class files of a directory or a jar, by their path inside the jar. */
    private static void collect(Path root, Map<String, byte[]> files, TreeSet<String> dirs) throws IOException {
        if (Files.isRegularFile(root)) {
            try (JarFile jar = new JarFile(root.toFile())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().endsWith(".class")) {
                        addParents(e.getName(), dirs);
                        files.put(e.getName(), jar.getInputStream(e).readAllBytes());
                    }
                }
            }
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.endsWith(".class")) {
                    addParents(rel, dirs);
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
    }

    private static void addParents(String entry, TreeSet<String> dirs) {
        for (int i = entry.indexOf('/'); i >= 0; i = entry.indexOf('/', i + 1)) {
            dirs.add(entry.substring(0, i + 1));
        }
    }
}
