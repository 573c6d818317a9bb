package io.flowsim.runtime.cli;

import io.flowsim.api.FlowsimException;

import java.util.Locale;

/** The {@code --format} values of the commands that print a summary. */
final class OutputFormat {

    private OutputFormat() {
    }

    /** Whether {@code value} asks for JSON; a usage error unless it is {@code text} or {@code json}. */
    static boolean isJson(String value) {
        String v = value == null ? "text" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "text" -> false;
            case "json" -> true;
            default -> throw FlowsimException.usage("--format takes text or json, got '" + value + "'");
        };
    }
}
