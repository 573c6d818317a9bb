package io.flowsim.plugin.sglang;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link ProcessTree} on real process trees built with /bin/sh and sleep. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessTreeTest {

    private final String tag = "test-" + UUID.randomUUID();
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    private Process sh(String script) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
        ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        b.environment().put(ProcessTree.TAG_VARIABLE, tag);
        Process p = b.start();
        started.add(p.toHandle());
        return p;
    }

    /** Waits until {@code root} has {@code n} descendants, and returns them. */
    private List<ProcessHandle> descendants(ProcessHandle root, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<ProcessHandle> d = root.descendants().toList();
        while (d.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
            d = root.descendants().toList();
        }
        assertThat(d).hasSizeGreaterThanOrEqualTo(n);
        started.addAll(d);
        return d;
    }

    @Test
    void sigtermStopsTheWholeTree() throws Exception {
        Process root = sh("sleep 1000 & sleep 1000 & (sleep 1000 & wait) & wait");
        List<ProcessHandle> tree = descendants(root.toHandle(), 4);

        assertThat(ProcessTree.stop(root.toHandle(), tag, Duration.ofSeconds(20))).isTrue();

        // the JVM reaps a killed child asynchronously: wait for that rather than race it
        assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tree).noneMatch(ProcessTree::isRunning);
    }

    @Test
    void whatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        // An ignored signal stays ignored in the children (POSIX), so the whole tree ignores SIGTERM.
        Process root = sh("trap '' TERM; sleep 1000 & sleep 1000 & wait");
        List<ProcessHandle> tree = descendants(root.toHandle(), 2);
        long start = System.nanoTime();

        assertThat(ProcessTree.stop(root.toHandle(), tag, Duration.ofMillis(500))).isFalse();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(500);
        // the JVM reaps a killed child asynchronously: wait for that rather than race it
        assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tree).noneMatch(ProcessTree::isRunning);
    }

    @Test
    void reparentedOrphansAreFoundByTheirEnvironmentTag() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc (Linux)");
        Process root = sh("sleep 1000 & exit 0");
        assertThat(root.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // The orphan may still be inside exec, where /proc shows no environment for a moment: poll.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<ProcessHandle> orphans = ProcessTree.tagged(tag).toList();
        while (orphans.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            orphans = ProcessTree.tagged(tag).toList();
        }
        started.addAll(orphans);
        assertThat(orphans).as(ProcessTreeTest::sleepers).hasSize(1);
        assertThat(orphans.get(0).parent().map(ProcessHandle::pid)).isNotEqualTo(java.util.Optional.of(root.pid()));

        assertThat(ProcessTree.stop(root.toHandle(), tag, Duration.ofSeconds(20))).isTrue();

        assertThat(orphans).noneMatch(ProcessTree::isRunning);
        assertThat(ProcessTree.tagged(tag).filter(ProcessTree::isRunning)).isEmpty();
    }

    /** For a failure message: the running sleep processes, their parents and what /proc shows of their environment. */
    private static String sleepers() {
        StringBuilder sb = new StringBuilder("sleep processes: ");
        ProcessHandle.allProcesses()
                .filter(h -> h.info().command().map(c -> c.endsWith("sleep")).orElse(false))
                .forEach(h -> {
                    String environ;
                    try {
                        byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "environ"));
                        environ = b.length + " bytes, tagged " + new String(b, java.nio.charset.StandardCharsets.UTF_8)
                                .contains(ProcessTree.TAG_VARIABLE);
                    } catch (Exception e) {
                        environ = e.toString();
                    }
                    sb.append(h.pid()).append(" (parent ").append(h.parent().map(ProcessHandle::pid).orElse(-1L))
                            .append(", running ").append(ProcessTree.isRunning(h)).append(", environ ").append(environ).append("); ");
                });
        return sb.toString();
    }

    @Test
    void anInterruptDoesNotCutTheStopShortAndIsKept() throws Exception {
        Process root = sh("trap '' TERM; sleep 1000 & wait");
        List<ProcessHandle> tree = descendants(root.toHandle(), 1);
        Thread.currentThread().interrupt();
        try {
            ProcessTree.stop(root.toHandle(), tag, Duration.ofMillis(300));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        // the JVM reaps a killed child asynchronously: wait for that rather than race it
        assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tree).noneMatch(ProcessTree::isRunning);
    }

    @Test
    void stoppingWhatHasExitedIsHarmless() throws Exception {
        Process root = sh("exit 0");
        assertThat(root.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessTree.stop(root.toHandle(), tag, Duration.ofSeconds(1))).isTrue();
    }
}
