package io.flowsim.runtime.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@code flowsim} command-line entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (!versionOnly(args)) {
            Thread init = new Thread(new SlowClassInit(), "flowsim-class-init");
            init.setDaemon(true);
            init.start();
        }
        AtomicBoolean outOfMemoryReported = new AtomicBoolean();
        // an error on another thread (a decompressing or HTTP thread) ends the run with one line too
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof OutOfMemoryError oom) {
                reportOutOfMemory(System.err, oom, outOfMemoryReported);
                // the thread's work is lost and someone may be waiting for it: end the run; exit (not
                // halt), so that the shutdown hook still deletes the temporary files
                System.exit(OUT_OF_MEMORY_EXIT_CODE);
            }
            System.err.println("flowsim: internal error on thread " + thread.getName() + ": " + e
                    + " (rerun with --verbose for the stack trace, and please report it)");
        });
        System.exit(run(args, System.out, System.err, outOfMemoryReported));
    }

    /**
     * Initializes, on its own thread, a class whose initialization is slow and that every run needs
     * later: from JDK 24, {@link java.math.BigDecimal} computes 5^(2^16) when it is initialized
     * (15-20 ms in the interpreter), and every JSON parser (Jackson's {@code ParserMinimalBase})
     * initializes it. Started first, it is done while the main thread builds the command line
     * (docs/performance.md, "One archive per command"). A class, not a lambda: no bootstrap on the
     * main thread.
     */
    private static final class SlowClassInit implements Runnable {
        @Override
        public void run() {
            java.math.BigDecimal.ONE.signum();
        }
    }

    /** The exit code of a run that ran out of Java heap (as for any run that could not complete inside FlowSim). */
    static final int OUT_OF_MEMORY_EXIT_CODE = 1;

    /** Said when even the detailed out-of-memory line cannot be built (the heap is still full). */
    private static final String OUT_OF_MEMORY_FALLBACK = "flowsim: out of memory: the run needed more than the Java"
            + " heap's limit; give FlowSim more with FLOWSIM_OPTS=-Xmx<size>, for example FLOWSIM_OPTS=-Xmx8g"
            + " ./flowsim ... (nothing was written: outputs appear only when complete)";

    /**
     * Prints the out-of-memory line once per run, whichever thread runs out first (the main thread
     * and a worker often do together). Never throws: when the heap is still too full to build the
     * detailed line, a prepared one is printed.
     */
    static void reportOutOfMemory(PrintStream err, OutOfMemoryError e, AtomicBoolean reported) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        String line;
        try {
            line = outOfMemory(e);
        } catch (OutOfMemoryError again) {
            line = OUT_OF_MEMORY_FALLBACK;
        }
        try {
            err.println(line);
        } catch (OutOfMemoryError again) {
            // nothing more can be said; the exit code still tells
        }
    }

    /** Runs the command line and returns the exit code, without exiting the JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, new AtomicBoolean());
    }

    private static int run(String[] args, PrintStream out, PrintStream err, AtomicBoolean outOfMemoryReported) {
        if (versionOnly(args)) {
            // the same lines as picocli's --version, without building the command model
            for (String line : VersionProvider.lines()) {
                out.println(line);
            }
            return 0;
        }
        configureLogging(Arrays.asList(args).contains("--verbose"));
        picocli.CommandLine cl = FlowsimCommand.commandLine(out, err, System.console() != null, args);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            reportOutOfMemory(err, e, outOfMemoryReported);
            return OUT_OF_MEMORY_EXIT_CODE;
        } finally {
            ((FlowsimCommand) cl.getCommand()).closeUnused();
        }
    }

    /** {@code flowsim --version} (or {@code -V}) alone: answered without the command model. */
    private static boolean versionOnly(String[] args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    /**
     * One line for an exhausted heap: how much was in use, the limit, and how to give more. By the
     * time it is built, the failed run's objects are unreachable, so the line itself fits.
     */
    static String outOfMemory(OutOfMemoryError e) {
        Runtime rt = Runtime.getRuntime();
        long mib = 1024 * 1024;
        long max = rt.maxMemory();
        long used = rt.totalMemory() - rt.freeMemory();
        String what = e.getMessage() == null || e.getMessage().isBlank() ? "Java heap space" : e.getMessage();
        return "flowsim: out of memory (" + what + "): the run needed more than the Java heap's "
                + (max == Long.MAX_VALUE ? "limit" : max / mib + " MiB") + " (" + used / mib
                + " MiB in use after the failure); give FlowSim more with FLOWSIM_OPTS=-Xmx<size>, for example"
                + " FLOWSIM_OPTS=-Xmx8g ./flowsim ... (nothing was written: outputs appear only when complete)";
    }

    /**
     * PF4J logs through SLF4J; its messages (with stack traces) stay hidden unless the user asks
     * for {@code --verbose}, because FlowSim reports plugin problems itself in one line.
     */
    private static void configureLogging(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "off");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    }
}
