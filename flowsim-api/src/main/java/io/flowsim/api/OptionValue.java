package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * A value for a declared option, for an extension to tell the runtime (and the user) how to run
 * with something it produced: {@link CalibrationResult#useWith()} says which options make a later
 * run use a fitted description.
 *
 * @param option the declared option
 * @param value  its value
 * @param <T>    the option's type
 *
 * <p>Experimental: only {@link CalibrationResult#useWith()} uses it, and it changes with calibration.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record OptionValue<T>(ExtensionOption<T> option, T value) {
    public OptionValue {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, "value");
    }

    /** The value as a user types it. */
    public String text() {
        return value.toString();
    }

    /** The spelling users know: the option's first alias, else {@code --<key>}. */
    public String spelling() {
        return option.aliases().isEmpty() ? option.longName() : option.aliases().get(0);
    }

    /** Adds this value to options under the option's key. */
    public Options.Builder addTo(Options.Builder options) {
        return options.add(option.key(), text());
    }
}
