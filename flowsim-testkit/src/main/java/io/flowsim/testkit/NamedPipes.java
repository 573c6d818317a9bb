package io.flowsim.testkit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * For tests that give a named pipe where a file is expected (a trace, a table, a profile): reading a pipe nobody
 * writes to never returns, so a command must refuse it rather than open it.
 */
public final class NamedPipes {

    private NamedPipes() {
    }

    /**
     * Makes a named pipe at {@code path} with {@code mkfifo}; false where that cannot be done here (no
     * {@code mkfifo}, not a POSIX system), so a test can skip itself with
     * {@code assumeTrue(NamedPipes.make(path))}.
     */
    public static boolean make(Path path) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
