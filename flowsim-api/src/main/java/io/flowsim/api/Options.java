package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable multimap of option values, handed to every extension through its
 * {@link RunContext}. Keys are the command-line option names without the leading dashes
 * ({@code gpu}, {@code llmcompass.api-url}). An extension reads the options it declares
 * ({@link FlowsimExtension#declaredOptions()}) typed, with {@link #get(ExtensionOption)} and
 * {@link #getAll(ExtensionOption)}; users set them with {@code --<key> VALUE} or
 * {@code --option key=value}. Typed accessors raise {@link ErrorCode#USAGE} with the option name
 * when a value does not parse.
 *
 * @param values option name to its values in the order given; never null, no null entries
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Options(Map<String, List<String>> values) {

    private static final Options EMPTY = new Options(Map.of());

    public Options {
        Objects.requireNonNull(values, "values");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((key, list) -> copy.put(Objects.requireNonNull(key, "key"), List.copyOf(list)));
        values = Collections.unmodifiableMap(copy);
    }

    /** No options. */
    public static Options empty() {
        return EMPTY;
    }

    /** A builder for options. */
    public static Builder builder() {
        return new Builder();
    }

    /** The last value given for {@code key}, if any. */
    public Optional<String> get(String key) {
        List<String> list = values.getOrDefault(key, List.of());
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    /** The last value given for {@code key}, or {@code defaultValue}. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** Every value given for {@code key}, in order; empty if none. */
    public List<String> getAll(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** Whether {@code key} was given at all. */
    public boolean has(String key) {
        return !getAll(key).isEmpty();
    }

    /** An integer option. */
    public int getInt(String key, int defaultValue) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw FlowsimException.usage("option --" + key + ": '" + v + "' is not an integer");
            }
        }).orElse(defaultValue);
    }

    /** A decimal option. */
    public double getDouble(String key, double defaultValue) {
        return get(key).map(v -> {
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw FlowsimException.usage("option --" + key + ": '" + v + "' is not a number");
            }
        }).orElse(defaultValue);
    }

    /**
     * A boolean option: {@code true/false}, {@code yes/no}, {@code 1/0}, {@code on/off}; an empty value
     * ({@code -O flag=}) means true.
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on", "" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw FlowsimException.usage("option --" + key + ": '" + v + "' is not true or false");
        }).orElse(defaultValue);
    }

    /**
     * A duration option: a number with an optional unit {@code ms}, {@code s}, {@code m} or
     * {@code h}; a bare number means seconds ({@code 90}, {@code 1.5s}, {@code 10m}).
     */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
    }

    /**
     * The value of a declared option: the last value given (under its key or one of its aliases),
     * else its default, else null.
     *
     * @throws FlowsimException {@link ErrorCode#USAGE} naming the option when the value does not parse,
     *                          or when a required option has no value
     */
    public <T> T get(ExtensionOption<T> option) {
        List<String> given = rawValues(option);
        if (given.isEmpty()) {
            if (option.isRequired() && option.defaultValue().isEmpty()) {
                throw FlowsimException.usage("option " + option.spellings() + " is required");
            }
            return option.defaultValue().orElse(null);
        }
        return option.parse(given.get(given.size() - 1));
    }

    /** The value of a declared option, as {@link #get(ExtensionOption)}, empty when it has neither value nor default. */
    public <T> Optional<T> find(ExtensionOption<T> option) {
        return Optional.ofNullable(get(option));
    }

    /**
     * Every value of a (repeatable) declared option, in the order given; the default alone when none
     * was given and it has one; else empty.
     */
    public <T> List<T> getAll(ExtensionOption<T> option) {
        List<String> given = rawValues(option);
        if (given.isEmpty()) {
            if (option.isRequired() && option.defaultValue().isEmpty()) {
                throw FlowsimException.usage("option " + option.spellings() + " is required");
            }
            return option.defaultValue().map(List::of).orElse(List.of());
        }
        List<T> out = new ArrayList<>(given.size());
        for (String v : given) {
            out.add(option.parse(v));
        }
        return List.copyOf(out);
    }

    /** Whether a declared option was given, under its key or an alias. */
    public boolean has(ExtensionOption<?> option) {
        return !rawValues(option).isEmpty();
    }

    /** The values given under the option's key, else under the first of its aliases that has any. */
    private List<String> rawValues(ExtensionOption<?> option) {
        for (String key : option.keys()) {
            List<String> list = values.getOrDefault(key, List.of());
            if (!list.isEmpty()) {
                return list;
            }
        }
        return List.of();
    }

    /** A copy with {@code value} appended to {@code key}. */
    public Options with(String key, String value) {
        return builder().putAll(this).add(key, value).build();
    }

    static Duration parseDuration(String key, String raw) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        double factorMillis;
        String number;
        if (v.endsWith("ms")) {
            factorMillis = 1;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            factorMillis = 1_000;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factorMillis = 60_000;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("h")) {
            factorMillis = 3_600_000;
            number = v.substring(0, v.length() - 1);
        } else {
            factorMillis = 1_000;
            number = v;
        }
        try {
            double amount = Double.parseDouble(number.trim());
            if (amount < 0 || Double.isNaN(amount) || Double.isInfinite(amount)) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(Math.round(amount * factorMillis));
        } catch (NumberFormatException e) {
            throw FlowsimException.usage("option --" + key + ": '" + raw
                    + "' is not a duration (examples: 30, 30s, 500ms, 10m)");
        }
    }

    /** Builds {@link Options}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, List<String>> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Appends a value to a key. */
        public Builder add(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** Appends a value if it is not null. */
        public Builder addIfPresent(String key, Object value) {
            if (value != null) {
                add(key, String.valueOf(value));
            }
            return this;
        }

        /** Appends all values of other options. */
        public Builder putAll(Options other) {
            other.values().forEach((k, list) -> list.forEach(v -> add(k, v)));
            return this;
        }

        /** The options built so far. */
        public Options build() {
            return new Options(values);
        }
    }
}
