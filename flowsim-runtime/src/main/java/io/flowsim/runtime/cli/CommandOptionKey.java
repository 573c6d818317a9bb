package io.flowsim.runtime.cli;

import io.flowsim.api.Options;

import java.util.Arrays;

/**
 * The option keys the commands hand to the extensions themselves, from their own options' values (as if
 * the user had given {@code --option KEY=VALUE}). The one list of them: the commands set them only through
 * {@link #set}, and {@link FlowsimCommand} does not warn about a {@code --option} key that is one of them
 * (no plugin declares it, yet a command sets it and a plugin may read it).
 */
enum CommandOptionKey {
    /** The trace of a single-trace run ({@code --trace-file}). */
    TRACE_FILE("trace-file"),
    /** The output directory ({@code --output-dir}). */
    OUTPUT_DIR("output-dir"),
    /** Whether the HTML report is written ({@code --report}). */
    REPORT("report"),
    /** The simulator backend ({@code --backend}). */
    BACKEND("backend"),
    /** The GPU to simulate ({@code --gpu}), when given. */
    GPU("gpu");

    private final String key;

    CommandOptionKey(String key) {
        this.key = key;
    }

    /** The key as extensions read it. */
    String key() {
        return key;
    }

    /** Adds {@code value} under this key; nothing when it is null. */
    Options.Builder set(Options.Builder options, Object value) {
        return options.addIfPresent(key, value);
    }

    /** Whether {@code key} is one the commands set. */
    static boolean isCommandKey(String key) {
        return Arrays.stream(values()).anyMatch(k -> k.key.equals(key));
    }
}
