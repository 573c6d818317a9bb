package io.flowsim.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * For tests that stop a child JVM with a signal (a trace source that starts processes must stop them on Ctrl-C or
 * SIGTERM). A process started as a background job of a shell without job control ignores SIGINT, every process it
 * starts inherits that, and a JVM started with a shutdown signal ignored keeps ignoring it: such a test cannot pass
 * there and should be skipped with {@link #ignoredByThisProcess} as its reason.
 */
public final class Signals {

    private static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "TERM", 15);

    private Signals() {
    }

    /**
     * Whether this process ignores the signal {@code name} ({@code INT}, {@code TERM}, {@code HUP} or {@code QUIT}), read
     * from {@code SigIgn} of {@code /proc/self/status}; false where that file does not exist (not Linux).
     *
     * @throws IllegalArgumentException for another name
     */
    public static boolean ignoredByThisProcess(String name) throws IOException {
        Integer number = NUMBERS.get(name);
        if (number == null) {
            throw new IllegalArgumentException("not a signal this knows: " + name + " (one of " + NUMBERS.keySet() + ")");
        }
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (number - 1))) != 0;
            }
        }
        return false;
    }

    /** The message a test skipped for {@link #ignoredByThisProcess} gives. */
    public static String ignoredReason(String name) {
        return "SIG" + name + " is ignored by this test's process (it was started as a background job of a shell"
                + " without job control), and a JVM started with a shutdown signal ignored keeps ignoring it: the case"
                + " cannot be tested here";
    }
}
