package io.flowsim.runtime.discovery;

import java.util.Objects;

/**
 * A plugin (or class-path provider) that could not be loaded.
 *
 * @param subject what failed: a plugin id, a plugin file, or a provider class
 * @param reason  why, in one line
 */
public record PluginFailure(String subject, String reason) {
    public PluginFailure {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code subject: reason}. */
    public String describe() {
        return subject + ": " + reason;
    }
}
