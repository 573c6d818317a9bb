package io.flowsim.plugin.csv;

import io.flowsim.api.FlowsimException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file written under a hidden temporary name in the target's directory and moved into
 * place only when complete, so an interrupted run never leaves a file that looks complete.
 */
final class AtomicOutput {

    private final Path target;
    private final Path temporary;
    private boolean committed;

    private AtomicOutput(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /** Creates the temporary file next to {@code target}. */
    static AtomicOutput create(Path target) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            return new AtomicOutput(target, Files.createTempFile(dir, "." + target.getFileName(), ".tmp"));
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Where to write the content. */
    Path temporary() {
        return temporary;
    }

    /** The final path. */
    Path target() {
        return target;
    }

    /** Moves the complete temporary file into place (replacing an older output). */
    void commit() {
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

    /** Deletes the temporary file unless it was committed. */
    void discard() {
        if (!committed) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // best effort: a leftover hidden .tmp file never looks like a complete output
            }
        }
    }
}
