package io.flowsim.plugin.sglang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stops a process together with every process it started: SIGTERM to the whole tree at once, then
 * SIGKILL to whatever is still alive after a grace period.
 *
 * <p>Two ways find the tree. {@link ProcessHandle#descendants()} finds the children and their
 * children while the root lives. A process whose parent died early is re-parented and no longer a
 * descendant of anything we know, so every child is also started with a unique tag in its
 * environment ({@link #TAG_VARIABLE}), which its descendants inherit; on Linux, /proc tells which
 * of the user's processes carry it. Every handle seen once is kept and re-checked while the
 * processes die. A {@link ProcessHandle} remembers the process's start time, so a recycled pid is
 * never signalled. Each call works on its own set of handles; calls may run concurrently.
 */
final class ProcessTree {

    /** The environment variable that marks the processes of one child's tree. */
    static final String TAG_VARIABLE = "FLOWSIM_PROFILE_PROCESS";

    private static final long POLL_MILLIS = 50;
    private static final long RESCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long AFTER_KILL_MILLIS = 5_000;

    private final String tag;
    private final Set<ProcessHandle> known = new LinkedHashSet<>();
    private boolean interrupted;
    private long lastScan;

    private ProcessTree(String tag) {
        this.tag = tag;
    }

    /**
     * Stops {@code root}, its descendants and every process tagged {@code tag}, and waits until
     * they have exited (at most {@code grace} after SIGTERM, then a short wait after SIGKILL).
     * Never throws; an interrupt of the calling thread does not cut the stop short and is
     * re-asserted on return.
     *
     * @return true if everything exited on SIGTERM, false if SIGKILL was needed
     */
    static boolean stop(ProcessHandle root, String tag, Duration grace) {
        ProcessTree tree = new ProcessTree(tag);
        tree.interrupted = Thread.interrupted();
        try {
            tree.known.add(root);
            root.descendants().forEach(tree.known::add);
            tagged(tag).forEach(tree.known::add);
            tree.lastScan = System.nanoTime();
            List.copyOf(tree.known).forEach(ProcessHandle::destroy);
            if (tree.waitForExit(grace.toMillis(), false)) {
                return true;
            }
            List.copyOf(tree.known).forEach(ProcessHandle::destroyForcibly);
            tree.waitForExit(AFTER_KILL_MILLIS, true);
            return false;
        } finally {
            if (tree.interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until every known process has exited, signalling processes that appear meanwhile the
     * same way as the others. Returns whether all exited within {@code millis}.
     */
    private boolean waitForExit(long millis, boolean force) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            Stream<ProcessHandle> newcomers = known.stream().filter(ProcessTree::isRunning)
                    .flatMap(ProcessHandle::descendants).toList().stream();
            if (System.nanoTime() - lastScan >= RESCAN_NANOS) {
                newcomers = Stream.concat(newcomers, tagged(tag));
                lastScan = System.nanoTime();
            }
            newcomers.filter(known::add).forEach(force ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
            if (known.stream().noneMatch(ProcessTree::isRunning)) {
                // A process between fork and exec shows an empty environment for a moment, so a scan
                // can miss it: once everything known has gone, one more scan must find nothing new.
                List<ProcessHandle> late = tagged(tag).filter(known::add).toList();
                lastScan = System.nanoTime();
                if (late.isEmpty()) {
                    return true;
                }
                late.forEach(force ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
                continue;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                // Remembered and re-asserted at the end: stopping must finish, or processes stay behind.
                interrupted = true;
            }
        }
    }

    /** The running processes whose environment carries {@code TAG_VARIABLE=tag} (Linux only; elsewhere none). */
    static Stream<ProcessHandle> tagged(String tag) {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return Stream.empty();
        }
        byte[] needle = (TAG_VARIABLE + "=" + tag).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self)
                .filter(h -> environmentContains(h.pid(), needle))
                .toList().stream();
    }

    private static boolean environmentContains(long pid, byte[] entry) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // another user's process, or gone
        }
        // Entries are NUL-terminated KEY=VALUE strings.
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == entry.length && Arrays.equals(environ, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /**
     * Whether the process still runs. {@link ProcessHandle#isAlive()} is also true for a zombie (a
     * process that has exited but was not yet reaped by its parent, which in a container may be an
     * init that never reaps); on Linux, /proc tells the two apart.
     */
    static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"), StandardCharsets.UTF_8);
            int close = s.lastIndexOf(')');
            if (close < 0 || close + 2 >= s.length()) {
                return true;
            }
            char state = s.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux) or the process vanished while reading: trust isAlive().
            return h.isAlive();
        }
    }
}
