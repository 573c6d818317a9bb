package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process's temporary files (half-written outputs of {@link AtomicOutput}, a trace parser's
 * spill file): every one is registered here while it exists, and a shutdown hook deletes those
 * still registered when the JVM exits, also on Ctrl-C (SIGINT) and SIGTERM. A kill the JVM cannot
 * see (SIGKILL, a power cut) leaves them; their names carry the process id
 * ({@code .<name>.<pid>-<random>.tmp}), so the next run that writes into the same directory
 * removes the ones whose process is gone ({@link #removeStale(Path)}).
 *
 * <p>Thread-safe. Process-wide by necessity: a shutdown hook sees the whole JVM.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class TemporaryFiles {

    /** {@code .<target name>.<pid>-<random>.tmp}: group 1 is the pid. */
    private static final Pattern NAME = Pattern.compile("^\\..+\\.(\\d+)-[0-9a-z]+\\.tmp$");

    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private TemporaryFiles() {
    }

    /** Registers {@code file} for deletion at exit (idempotent); returns it. */
    public static Path register(Path file) {
        installHook();
        LIVE.add(file.toAbsolutePath());
        return file;
    }

    /** Forgets {@code file} (it was moved into place or deleted). */
    public static void release(Path file) {
        LIVE.remove(file.toAbsolutePath());
    }

    /** The name part FlowSim's temporary files carry after the target name: {@code <pid>-}. */
    static String processTag() {
        return Long.toString(ProcessHandle.current().pid());
    }

    /**
     * Deletes the temporary files in {@code directory} that a FlowSim process which is no longer
     * running left behind (killed with SIGKILL, or the machine stopped). Files of running
     * processes, and files not named like FlowSim's, are left alone. Never throws.
     *
     * @return how many files were deleted
     */
    public static int removeStale(Path directory) {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()
                        && Files.isRegularFile(f) && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale hidden .tmp file never looks like a complete output
        }
        return removed;
    }

    /** Deletes every registered file now (what the shutdown hook does). */
    static void deleteAllNow() {
        for (Path f : LIVE) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException | RuntimeException ignored) {
                // best effort at exit
            }
            LIVE.remove(f);
        }
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (TemporaryFiles.class) {
            if (!hookInstalled) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(TemporaryFiles::deleteAllNow,
                            "flowsim-temporary-files"));
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting; the caller's own cleanup still runs
                }
                hookInstalled = true;
            }
        }
    }
}
