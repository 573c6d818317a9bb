package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
 * <p>The same hook also takes back an unfinished set of outputs: while an {@link OutputSet} is open
 * for a directory, every {@link AtomicOutput} moved into place directly in that directory is recorded,
 * and an exit before the set is {@linkplain OutputSet#close() closed} (Ctrl-C while the last outputs
 * are still being written) deletes them, and moves into place no more of them, so that a run stopped
 * half way never leaves some of its outputs looking like a finished run's.
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

    /** Guards {@link #SETS} and {@link #exiting}; held for the length of one move into place. */
    private static final Object PLACING = new Object();
    /** The open output sets; guarded by {@link #PLACING}. */
    private static final List<OutputSet> SETS = new ArrayList<>();
    /** Folders deleted with their contents at exit (a run's staging folder); guarded by {@link #PLACING}. */
    private static final Set<Path> FOLDERS = new LinkedHashSet<>();
    /** Set by the shutdown hook: no output is moved into place after it; guarded by {@link #PLACING}. */
    private static boolean exiting;

    /**
     * The outputs one run writes directly into one directory, taken back together when the process
     * exits before the run finished ({@link #outputSet(Path)}). Closing it means the run finished:
     * its outputs stay. Thread-safe.
     *
     * @since 0.14
     */
    public static final class OutputSet implements AutoCloseable {
        private final Path directory;
        private final List<Path> placed = new ArrayList<>();

        private OutputSet(Path directory) {
            this.directory = directory;
        }

        /** The outputs moved into place in the set's directory since it was opened, in order. */
        public List<Path> placed() {
            synchronized (PLACING) {
                return List.copyOf(placed);
            }
        }

        /** The run finished: its outputs stay, whatever happens next. Idempotent. */
        @Override
        public void close() {
            synchronized (PLACING) {
                SETS.remove(this);
            }
        }
    }

    /**
     * Opens the output set of {@code directory}: until it is closed, outputs moved into place directly
     * in that directory (not in its subfolders) are recorded, and deleted by the shutdown hook if the
     * process exits first.
     *
     * @since 0.14
     */
    public static OutputSet outputSet(Path directory) {
        installHook();
        OutputSet set = new OutputSet(directory.toAbsolutePath().normalize());
        synchronized (PLACING) {
            SETS.add(set);
        }
        return set;
    }

    /**
     * Registers {@code folder} (a run's staging folder) for deletion, with everything in it, at exit. The hook
     * deletes it after it has stopped new outputs and new folders ({@link #createDirectories}), so a thread
     * still writing into it cannot bring it back.
     *
     * @since 0.14
     */
    public static void registerFolder(Path folder) {
        installHook();
        synchronized (PLACING) {
            FOLDERS.add(folder.toAbsolutePath().normalize());
        }
    }

    /**
     * Forgets {@code folder} (it was moved into place or deleted).
     *
     * @since 0.14
     */
    public static void releaseFolder(Path folder) {
        synchronized (PLACING) {
            FOLDERS.remove(folder.toAbsolutePath().normalize());
        }
    }

    /**
     * {@link Files#createDirectories}, unless the process is exiting: a folder made after the shutdown hook
     * deleted a {@linkplain #registerFolder registered} one would bring it back.
     *
     * @throws FlowsimException {@link ErrorCode#INTERRUPTED} when the process is exiting
     * @since 0.14
     */
    public static Path createDirectories(Path dir) throws IOException {
        synchronized (PLACING) {
            if (exiting) {
                throw new FlowsimException(ErrorCode.INTERRUPTED, "interrupted: " + dir + " was not created");
            }
            return Files.createDirectories(dir);
        }
    }

    /** An action that moves a file, for {@link #moveIntoPlace}. */
    interface Move {
        void run() throws IOException;
    }

    /**
     * Runs {@code move} (which puts {@code target} in place), unless the process is exiting, and records
     * {@code target} in the open output set of its directory.
     *
     * @return false, having moved nothing, when the process is exiting
     */
    static boolean moveIntoPlace(Path target, Move move) throws IOException {
        Path normalized = target.toAbsolutePath().normalize();
        synchronized (PLACING) {
            if (exiting) {
                return false;
            }
            move.run();
            for (OutputSet set : SETS) {
                if (normalized.getParent() != null && normalized.getParent().equals(set.directory)) {
                    set.placed.add(normalized);
                }
            }
            return true;
        }
    }

    private TemporaryFiles() {
    }

    /**
     * Registers {@code file} for deletion at exit (idempotent); returns it. Create the file first, then
     * register it: once the process is exiting, the file is deleted at once instead.
     *
     * @throws FlowsimException {@link ErrorCode#INTERRUPTED} when the process is exiting (its shutdown
     *                          hook has run, so nothing would delete the file later)
     */
    public static Path register(Path file) {
        installHook();
        synchronized (PLACING) {
            if (exiting) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException | RuntimeException ignored) {
                    // best effort at exit
                }
                throw new FlowsimException(ErrorCode.INTERRUPTED, "interrupted: " + file + " was not kept");
            }
            LIVE.add(file.toAbsolutePath());
        }
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

    /**
     * What the shutdown hook does: moves no more outputs into place, deletes those of every output set
     * still open (a run that did not finish), then every registered temporary file.
     */
    static void exitNow() {
        synchronized (PLACING) {
            exiting = true;
            for (OutputSet set : SETS) {
                for (Path f : set.placed) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException | RuntimeException ignored) {
                        // best effort at exit
                    }
                }
            }
        }
        deleteAllNow();
        List<Path> folders;
        synchronized (PLACING) {
            folders = List.copyOf(FOLDERS);
        }
        for (Path folder : folders) {
            // a thread may still create a file in it between two deletions (register deletes such a file at
            // once): a few passes, however many it takes to find it gone
            for (int pass = 0; pass < 20 && Files.exists(folder, LinkOption.NOFOLLOW_LINKS); pass++) {
                deleteTree(folder);
                if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Deletes {@code folder} with its contents, links not followed; never throws. */
    private static void deleteTree(Path folder) {
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (DirectoryNotEmptyException notYet) {
                        // a file created meanwhile: the next pass
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // best effort at exit: a leftover staging folder is hidden, and the next run into the output removes it
        }
    }

    /** Deletes every registered file now. */
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
                    Runtime.getRuntime().addShutdownHook(new Thread(TemporaryFiles::exitNow,
                            "flowsim-temporary-files"));
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting; the caller's own cleanup still runs
                }
                hookInstalled = true;
            }
        }
    }
}
