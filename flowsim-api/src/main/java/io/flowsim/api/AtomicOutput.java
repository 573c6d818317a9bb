package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output file that appears only when complete: content goes to a hidden temporary file next to
 * the target ({@code .<name>.<pid>-<random>.tmp}), and {@link #commit()} moves it into place
 * (atomically where the file system can). Closing without committing deletes the temporary file, so
 * an interrupted or failed run never leaves a file that looks complete. This is how every bundled
 * exporter writes; third-party exporters can use it to keep the {@link ExportSession} contract.
 *
 * <p>It is FlowSim's one output-safety mechanism:
 * <ul>
 *   <li>it never writes over an input of the run: the command line {@linkplain #protectInputs
 *       protects} the files it reads (traces, merge inputs) and {@link #create} refuses a target
 *       that is one of them (the same file, also through a link);</li>
 *   <li>temporary files are registered with {@link TemporaryFiles}, whose shutdown hook deletes
 *       them on every exit path the JVM sees (errors, Ctrl-C, SIGTERM), and {@link #create}
 *       removes the ones a killed FlowSim process left in the same directory.</li>
 * </ul>
 *
 * <p>An instance is not thread-safe; the registries are. Typical use:
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.create(dir.resolve("report.json"))) {
 *     Files.writeString(out.temporary(), json);
 *     out.commit();
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class AtomicOutput implements AutoCloseable {

    /** Protected inputs, each with the number of open {@link Inputs} scopes naming it. */
    private static final Map<Path, Integer> INPUTS = new ConcurrentHashMap<>();

    private final Path target;
    private final Path temporary;
    private boolean committed;

    /**
     * The files one command reads, protected from being written over until {@link #close()}.
     * Scopes nest and may overlap (a file named twice stays protected until both close).
     */
    public static final class Inputs implements AutoCloseable {
        private final List<Path> files;
        private boolean closed;

        private Inputs(List<Path> files) {
            this.files = files;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                files.forEach(f -> INPUTS.computeIfPresent(f, (k, n) -> n <= 1 ? null : n - 1));
            }
        }
    }

    /**
     * Protects {@code files} (the inputs of a command) from every {@link #create} until the
     * returned scope is closed.
     */
    public static Inputs protectInputs(Collection<Path> files) {
        List<Path> normalized = files.stream().map(f -> f.toAbsolutePath().normalize()).distinct().toList();
        normalized.forEach(f -> INPUTS.merge(f, 1, Integer::sum));
        return new Inputs(normalized);
    }

    /** The protected input {@code target} is, if any. */
    private static Path protectedInputAt(Path target) {
        if (!Files.exists(target)) {
            return null;
        }
        Path normalized = target.toAbsolutePath().normalize();
        for (Path input : INPUTS.keySet()) {
            try {
                if (input.equals(normalized) || Files.exists(input) && Files.isSameFile(input, target)) {
                    return input;
                }
            } catch (IOException e) {
                // an input that cannot be examined cannot be the target
            }
        }
        return null;
    }

    private AtomicOutput(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /**
     * Creates the empty temporary file next to {@code target} (whose directory must exist). It gets
     * the permissions the user's umask gives any new file (unlike {@code Files.createTempFile},
     * which makes owner-only files), and the move keeps them. Temporary files a killed FlowSim
     * process left in that directory are removed first.
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the target when it cannot be
     *                          created, or when it is an input of the run
     */
    public static AtomicOutput create(Path target) {
        Path input = protectedInputAt(target);
        if (input != null) {
            throw FlowsimException.badInput("refusing to write " + target + ": it is an input of this run ("
                    + input + "); choose another output file or directory");
        }
        Path dir = target.toAbsolutePath().getParent();
        TemporaryFiles.removeStale(dir);
        for (int attempt = 0; ; attempt++) {
            Path temporary = dir.resolve("." + target.getFileName() + "." + TemporaryFiles.processTag() + "-"
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                // created, then registered: a file created after the shutdown hook ran is deleted at once
                return new AtomicOutput(target, TemporaryFiles.register(Files.createFile(temporary)));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw FlowsimException.badInput("cannot write " + target + ": no free temporary name", e);
                }
            } catch (IOException e) {
                TemporaryFiles.release(temporary);
                throw FlowsimException.badInput("cannot write " + target + ": " + reason(e), e);
            }
        }
    }

    /**
     * The error for a failed write of the content (a full disk, a file-size limit, an I/O error):
     * it names the output, never an input. Nothing is moved into place; an older file at the
     * target is left as it was.
     */
    public FlowsimException writeFailed(IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return FlowsimException.badInput("cannot write the output " + target + ": " + reason
                + " (nothing was written there; check free space and file-size limits, or choose another"
                + " output directory)", e);
    }

    /** Where to write the content. */
    public Path temporary() {
        return temporary;
    }

    /** The final path. */
    public Path target() {
        return target;
    }

    /**
     * Moves the complete temporary file into place, replacing an older output.
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the target when the move fails;
     *                          {@link ErrorCode#INTERRUPTED} when the process is exiting (Ctrl-C), which
     *                          moves nothing into place
     */
    public void commit() {
        try {
            boolean placed = TemporaryFiles.moveIntoPlace(target, () -> {
                try {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            });
            if (!placed) {
                throw new FlowsimException(ErrorCode.INTERRUPTED, "interrupted: " + target + " was not written");
            }
            committed = true;
            TemporaryFiles.release(temporary);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + target + ": " + reason(e), e);
        }
    }

    /**
     * Why creating or moving a file failed, in words: the exceptions of {@code Files} carry the path in
     * their message and the problem only in their type ({@code AccessDeniedException: /out/.x.tmp}).
     */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Whether {@link #commit()} succeeded. */
    public boolean committed() {
        return committed;
    }

    /** Deletes the temporary file unless it was committed. Never throws. */
    @Override
    public void close() {
        if (!committed) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // best effort: a leftover hidden .tmp file never looks like a complete output
            }
            TemporaryFiles.release(temporary);
        }
    }
}
