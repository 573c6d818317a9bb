package io.flowsim.plugin.sglang;

import io.flowsim.api.Options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stand-in sglang of src/test/resources/standin (see its README), installed into a temporary
 * directory for one test, with a unique marker that every stand-in process carries in its
 * arguments so the test can look for leftovers in the process table.
 */
final class Standin {

    final Path python;
    final Path profileDir;
    final Path logDir;
    final int port;
    final String marker = "flowsim-test-" + UUID.randomUUID();

    private Standin(Path root, Path python, int port) {
        this.python = python;
        this.profileDir = root.resolve("profiles");
        this.logDir = root.resolve("logs");
        this.port = port;
    }

    /** Installs the stand-in under {@code root}; skips the test when there is no python3. */
    static Standin install(Path root) throws IOException {
        assumeTrue(python3Available(), "python3 is not installed: the stand-in sglang needs it");
        Path source;
        try {
            source = Path.of(Standin.class.getResource("/standin").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path target = root.resolve("standin");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path python = target.resolve("python");
        // Resources lose the executable bit when Maven copies them.
        if (!python.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + python + " executable");
        }
        return new Standin(root, python, freePort());
    }

    static boolean python3Available() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Server options: the port, the marker, and {@code extra}. */
    String serverOpts(String extra) {
        return "--model-path /models/stand-in --load-format dummy --host 0.0.0.0 --port " + port
                + " --standin-marker " + marker + " " + extra;
    }

    /** Benchmark options: the port, the marker, --profile, and {@code extra}. */
    String benchOpts(String extra) {
        return "--backend sglang --host 0.0.0.0 --port " + port + " --dataset-name defined-len"
                + " --prefill-decode-lens 64:2 --num-prompts 2 --profile --standin-marker " + marker + " " + extra;
    }

    /** Options for a run with short timeouts; callers add or override keys. */
    Options.Builder options(String serverExtra, String benchExtra) {
        return Options.builder()
                .add("profile-dir", profileDir.toString())
                .add("log-dir", logDir.toString())
                .add("python", python.toString())
                .add("server-opts", serverOpts(serverExtra))
                .add("bench-opts", benchOpts(benchExtra))
                .add("server-timeout", "60s")
                .add("bench-timeout", "60s")
                .add("trace-timeout", "30s")
                .add("stop-grace", "5s");
    }

    /** Running processes (not zombies) whose command line contains this test's marker. */
    List<ProcessHandle> running() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> commandLine(h).map(c -> c.contains(marker)).orElse(false))
                .filter(ProcessTree::isRunning)
                .toList();
    }

    /** The running stand-in processes whose command line also contains {@code text}. */
    List<ProcessHandle> running(String text) {
        return running().stream().filter(h -> commandLine(h).map(c -> c.contains(text)).orElse(false)).toList();
    }

    /** Describes processes for an assertion message. */
    static String describe(List<ProcessHandle> processes) {
        StringBuilder sb = new StringBuilder();
        for (ProcessHandle h : processes) {
            sb.append(h.pid()).append(": ").append(commandLine(h).orElse("?")).append('\n');
        }
        return sb.toString();
    }

    /** Kills whatever a failed test left behind, so one failure does not spoil the machine. */
    void killLeftovers() {
        running().forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits up to {@code seconds} for a stand-in process whose command line contains {@code text}. */
    boolean awaitProcess(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!running(text).isEmpty()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static Optional<String> commandLine(ProcessHandle h) {
        Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
        try {
            byte[] bytes = Files.readAllBytes(cmdline);
            return Optional.of(new String(bytes, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException | RuntimeException e) {
            return h.info().commandLine();
        }
    }

    /** The files in the log directory whose names start with {@code prefix}. */
    List<Path> logs(String prefix) throws IOException {
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(logDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }
}
