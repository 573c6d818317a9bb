package io.flowsim.plugin.report;

import io.flowsim.api.ExportContext;
import io.flowsim.api.RunContext;

/**
 * The options of the report plugin, read from the run's options.
 *
 * <p>{@code report} ({@code --report} / {@code --no-report}, or {@code -O report=false}) switches
 * both exporters; it is on by default for {@code parse} and {@code simulate}.
 */
final class ReportSettings {

    /** The option key. */
    static final String REPORT = "report";

    private ReportSettings() {
    }

    /** Whether the user wants the report and the timeline written. */
    static boolean enabled(ExportContext context) {
        return enabled(context.run());
    }

    /** Whether the user wants the report written, for a run's context. */
    static boolean enabled(RunContext run) {
        return run.options().getBoolean(REPORT, true);
    }
}
