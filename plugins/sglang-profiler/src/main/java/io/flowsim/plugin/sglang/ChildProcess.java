package io.flowsim.plugin.sglang;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A started child process (the server or the benchmark), the log file its output goes to, and the
 * tag in its environment that its descendants inherit (see {@link ProcessTree}).
 * Thread-safe: {@link #stop} may be called from the capturing thread and from a shutdown hook.
 */
final class ChildProcess {

    private final String role;
    private final Process process;
    private final Path log;
    private final String tag;
    private final long outputStart;

    /**
     * @param role    what it is, for messages ("sglang server")
     * @param process the process
     * @param log     the file that receives its standard output and standard error
     * @param tag     the value of {@link ProcessTree#TAG_VARIABLE} in its environment
     * @param outputStart where the process's output starts in the log (after FlowSim's header)
     */
    ChildProcess(String role, Process process, Path log, String tag, long outputStart) {
        this.role = Objects.requireNonNull(role, "role");
        this.process = Objects.requireNonNull(process, "process");
        this.log = Objects.requireNonNull(log, "log");
        this.tag = Objects.requireNonNull(tag, "tag");
        this.outputStart = outputStart;
    }

    /** The last line of the process's output, for progress; "" if none yet. */
    String lastLine() {
        return LogTail.lastLine(log, outputStart);
    }

    /** The last {@code lines} lines of the process's output, for an error message. */
    String tail(int lines) {
        return "last lines of " + log + ": " + LogTail.summary(log, outputStart, lines);
    }

    String role() {
        return role;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the process to exit; returns whether it did. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code; only valid once the process has exited. */
    int exitCode() {
        return process.exitValue();
    }

    /** Whether the process or any process it started still runs. */
    boolean anyRunning() {
        return isAlive() || ProcessTree.tagged(tag).anyMatch(ProcessTree::isRunning);
    }

    /**
     * Stops the process and all its descendants (SIGTERM, then SIGKILL after {@code grace}).
     *
     * @return true if SIGTERM was enough
     */
    boolean stop(Duration grace) {
        boolean gentle = ProcessTree.stop(process.toHandle(), tag, grace);
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            // Output goes to a file; the stream is an empty placeholder and nothing is lost.
        }
        return gentle;
    }
}
