package io.flowsim.runtime.pipeline;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.TemporaryFiles;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates output directories, and says why one cannot be created in words: the JDK's exceptions for
 * a file in the way or a missing permission carry only the path, which read as
 * "cannot create output directory out: out".
 */
final class OutputDirectories {

    private OutputDirectories() {
    }

    /**
     * Creates {@code dir} and its parents; a failure is bad input naming the directory and the reason. Not once
     * the process is exiting (Ctrl-C): that would bring back a staging folder the shutdown hook deleted.
     */
    static void create(Path dir) {
        try {
            TemporaryFiles.createDirectories(dir);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot create output directory " + dir + ": " + reason(dir, e), e);
        }
    }

    /** Why creating {@code dir} failed with {@code e}, in words: a file in the way of it or of a parent first. */
    static String reason(Path dir, IOException e) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return (p.equals(dir.toAbsolutePath()) ? dir : p) + " exists and is not a directory";
            }
        }
        return reason(e);
    }

    /** Why {@code e} happened, in words, naming the file concerned when the message alone would not. */
    static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied (" + a.getFile() + ")";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return "the file system refused to create " + f.getFile();
        }
        return String.valueOf(e.getMessage());
    }
}
