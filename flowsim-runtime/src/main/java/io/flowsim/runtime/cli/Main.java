package io.flowsim.runtime.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The {@code flowsim} command-line entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit code, without exiting the JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
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
        } finally {
            ((FlowsimCommand) cl.getCommand()).closeUnused();
        }
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
