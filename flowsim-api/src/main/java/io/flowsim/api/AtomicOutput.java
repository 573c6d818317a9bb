package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output file that appears only when complete: content goes to a hidden temporary file next to
 * the target ({@code .<name>.<random>.tmp}), and {@link #commit()} moves it into place (atomically
 * where the file system can). Closing without committing deletes the temporary file, so an
 * interrupted or failed run never leaves a file that looks complete. This is how every bundled
 * exporter writes; third-party exporters can use it to keep the {@link ExportSession} contract.
 *
 * <p>Not thread-safe. Typical use:
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

    private final Path target;
    private final Path temporary;
    private boolean committed;

    private AtomicOutput(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /**
     * Creates the empty temporary file next to {@code target} (whose directory must exist). It gets
     * the permissions the user's umask gives any new file (unlike {@code Files.createTempFile},
     * which makes owner-only files), and the move keeps them.
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the target when it cannot be created
     */
    public static AtomicOutput create(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        for (int attempt = 0; ; attempt++) {
            Path temporary = dir.resolve("." + target.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return new AtomicOutput(target, Files.createFile(temporary));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw FlowsimException.badInput("cannot write " + target + ": no free temporary name", e);
                }
            } catch (IOException e) {
                throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
            }
        }
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
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the target when the move fails
     */
    public void commit() {
        try {
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
        }
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
        }
    }
}
