package io.flowsim.runtime.cli;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution ships picocli rewritten to Java 17 class files (flowsim-runtime/pom.xml,
 * {@code upgrade-picocli-class-files}; docs/performance.md, "picocli as Java 17 class files"): the
 * copy the build made holds the original's entries, every class at class-file version 61, every class
 * loads and passes the verifier, and FlowSim's command line prints the same help and errors with it
 * as with the original jar.
 */
class PicocliClassFilesTest {

    private static final int JAVA_17 = 61;

    private static Path original;
    private static Path rewritten;

    @BeforeAll
    static void jars() throws Exception {
        original = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        rewritten = Path.of("target", "picocli-upgrade", "lib", "picocli-" + CommandLine.VERSION + ".jar");
        assertThat(original.getFileName().toString()).endsWith(".jar");
        assertThat(rewritten).as("the build's rewritten picocli (generate-resources)").isRegularFile();
    }

    @Test
    void everyEntryIsKeptAndEveryClassIsAtVersion61() throws IOException {
        Map<String, byte[]> before = entries(original);
        Map<String, byte[]> after = entries(rewritten);
        assertThat(after.keySet()).containsAll(before.keySet());
        assertThat(after.keySet()).hasSize(before.size() + 1).contains("META-INF/FLOWSIM-REWRITTEN.txt");
        int classes = 0;
        for (Map.Entry<String, byte[]> e : after.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".class")) {
                if (before.containsKey(name)) {
                    assertThat(e.getValue()).as(name).isEqualTo(before.get(name));
                }
                continue;
            }
            if (name.endsWith("module-info.class")) {
                assertThat(e.getValue()).as(name).isEqualTo(before.get(name));
                continue;
            }
            assertThat(version(before.get(name))).as(name + " in the original").isLessThan(JAVA_17);
            assertThat(version(e.getValue())).as(name).isEqualTo(JAVA_17);
            classes++;
        }
        assertThat(classes).isGreaterThan(100);
    }

    @Test
    void everyClassLoadsAndVerifies() throws Exception {
        // initializing a class links it, and linking runs the verifier on every method (stack maps included)
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{rewritten.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : entries(rewritten).keySet()) {
                if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
                    continue;
                }
                String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                try {
                    assertThat(Class.forName(className, true, loader).getClassLoader()).isSameAs(loader);
                    loaded++;
                } catch (LinkageError | ClassNotFoundException e) {
                    failures.add(className + ": " + e);
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(loaded).isGreaterThan(100);
    }

    @Test
    void theCommandLinePrintsTheSameWithTheRewrittenJar() throws Exception {
        List<URL> classPath = new ArrayList<>();
        boolean replaced = false;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.exists(p) && Files.isSameFile(p, original)) {
                p = rewritten;
                replaced = true;
            }
            classPath.add(p.toUri().toURL());
        }
        assertThat(replaced).as("the original picocli jar on the test class path").isTrue();
        List<String[]> commands = List.of(
                new String[]{"--help"},
                new String[]{"help", "simulate"},
                new String[]{"parse", "--help"},
                new String[]{"simulate", "--help"},
                new String[]{"validate", "--help"},
                new String[]{"parse", "--no-such-option"},
                new String[]{"parse", "--trace-file"},
                new String[]{"no-such-command"});
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(classPath.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> main = Class.forName(Main.class.getName(), true, loader);
            assertThat(main).isNotSameAs(Main.class);
            assertThat(Class.forName(CommandLine.class.getName(), false, loader)
                    .getProtectionDomain().getCodeSource().getLocation()).isEqualTo(rewritten.toUri().toURL());
            Method run = main.getMethod("run", String[].class, PrintStream.class, PrintStream.class);
            Thread.currentThread().setContextClassLoader(loader);
            for (String[] args : commands) {
                CliRun expected = CliRun.of(args);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = (int) run.invoke(null, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                CliRun actual = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
                assertThat(actual).as(String.join(" ", args)).isEqualTo(expected);
                assertThat(expected.out() + expected.err()).as(String.join(" ", args)).isNotBlank();
            }
        } finally {
            Thread.currentThread().setContextClassLoader(context);
        }
    }

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            for (JarEntry e : java.util.Collections.list(file.entries())) {
                try (InputStream in = file.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }

    private static int version(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }
}
