package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One setting an extension declares (see {@link FlowsimExtension#declaredOptions()}): its key, type,
 * default, description and whether it is required. The runtime builds the command-line option
 * {@code --<key>} from it (with help text and type checking) on every command that uses the
 * extension's extension point, lists it in {@code flowsim plugins}, and hands the value back typed
 * through {@link Options#get(ExtensionOption)}.
 *
 * <p>The key is namespaced by the extension: {@code <extension name>.<option>}, for example
 * {@code llmcompass.api-url} (command line {@code --llmcompass.api-url URL}, or
 * {@code --option llmcompass.api-url=URL}). Aliases are further spellings users may rely on, such
 * as a short form kept from an earlier release ({@code --api-url}); an alias that another option of
 * a command already uses is left off that command.
 *
 * <pre>{@code
 * static final ExtensionOption<Integer> MAX_IN_FLIGHT = ExtensionOption.integer("llmcompass.max-in-flight",
 *         "tasks submitted but not finished at any time").withDefault(1).alias("--max-in-flight");
 *
 * public List<ExtensionOption<?>> declaredOptions() { return List.of(MAX_IN_FLIGHT); }
 * ...
 * int n = context.options().get(MAX_IN_FLIGHT);
 * }</pre>
 *
 * <p>Instances are immutable; the {@code with...} methods return copies.
 *
 * @param <T> the Java type of the value
 *
 * <p>Stable: every bundled plugin with settings, the test kit and the archetype declare their options
 * with it, and the command line, {@code flowsim plugins} and shell completion are built from it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class ExtensionOption<T> {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+");
    private static final Pattern ALIAS = Pattern.compile("--[a-z0-9][a-z0-9.-]*");

    /** The value types an option can have. */
    public enum Type {
        /** Text, as given. */
        STRING("TEXT"),
        /** A whole number. */
        INTEGER("N"),
        /** A decimal number. */
        DECIMAL("X"),
        /** {@code true/false}, {@code yes/no}, {@code 1/0}, {@code on/off}; the bare flag means true. */
        BOOLEAN("BOOLEAN"),
        /** A number with an optional unit {@code ms}, {@code s}, {@code m}, {@code h}; a bare number is seconds. */
        DURATION("DURATION"),
        /** A file or directory path. */
        PATH("PATH");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        /** The placeholder shown in help ({@code N}, {@code DURATION}). */
        public String label() {
            return label;
        }
    }

    private final String key;
    private final Type type;
    private final Class<T> javaType;
    private final Function<String, T> converter;
    private final T defaultValue;
    private final String description;
    private final boolean required;
    private final boolean repeatable;
    private final List<String> aliases;
    private final Set<String> commands;
    private final String paramLabel;

    private ExtensionOption(String key, Type type, Class<T> javaType, Function<String, T> converter, T defaultValue,
                            String description, boolean required, boolean repeatable, List<String> aliases,
                            Set<String> commands, String paramLabel) {
        this.key = key;
        this.type = type;
        this.javaType = javaType;
        this.converter = converter;
        this.defaultValue = defaultValue;
        this.description = description;
        this.required = required;
        this.repeatable = repeatable;
        this.aliases = List.copyOf(aliases);
        this.commands = Set.copyOf(commands);
        this.paramLabel = paramLabel;
    }

    private static <T> ExtensionOption<T> of(String key, Type type, Class<T> javaType, Function<String, T> converter,
                                             String description) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(description, "description");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("option key '" + key + "' is not <extension-name>.<option> in "
                    + "lower-case kebab-case (example: my-backend.api-url)");
        }
        return new ExtensionOption<>(key, type, javaType, converter, null, description, false, false, List.of(),
                Set.of(), type.label());
    }

    /** A text option. */
    public static ExtensionOption<String> string(String key, String description) {
        return of(key, Type.STRING, String.class, v -> v, description);
    }

    /** A whole-number option. */
    public static ExtensionOption<Integer> integer(String key, String description) {
        return of(key, Type.INTEGER, Integer.class, v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + v + "' is not an integer");
            }
        }, description);
    }

    /** A decimal option. */
    public static ExtensionOption<Double> decimal(String key, String description) {
        return of(key, Type.DECIMAL, Double.class, v -> {
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + v + "' is not a number");
            }
        }, description);
    }

    /** A boolean option; on the command line {@code --key} alone means true. */
    public static ExtensionOption<Boolean> bool(String key, String description) {
        return of(key, Type.BOOLEAN, Boolean.class, v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on", "" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
        }, description);
    }

    /** A duration option ({@code 90}, {@code 1.5s}, {@code 500ms}, {@code 10m}, {@code 2h}). */
    public static ExtensionOption<Duration> duration(String key, String description) {
        return of(key, Type.DURATION, Duration.class, v -> {
            try {
                return Options.parseDuration(key, v);
            } catch (FlowsimException e) {
                throw new IllegalArgumentException("'" + v + "' is not a duration (examples: 30, 30s, 500ms, 10m)");
            }
        }, description);
    }

    /** A path option. */
    public static ExtensionOption<Path> path(String key, String description) {
        return of(key, Type.PATH, Path.class, v -> {
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + v + "' is not a valid path");
            }
        }, description);
    }

    /** A copy with a default value, used when the user gives none. */
    public ExtensionOption<T> withDefault(T value) {
        Objects.requireNonNull(value, "value");
        return new ExtensionOption<>(key, type, javaType, converter, value, description, required, repeatable, aliases,
                commands, paramLabel);
    }

    /**
     * A copy that must be given. On a command the option is limited to ({@link #onlyFor}) the command
     * line checks it; elsewhere reading it without a value is a usage error naming the option.
     */
    public ExtensionOption<T> required() {
        return new ExtensionOption<>(key, type, javaType, converter, defaultValue, description, true, repeatable,
                aliases, commands, paramLabel);
    }

    /** A copy that may be given several times; read every value with {@link Options#getAll(ExtensionOption)}. */
    public ExtensionOption<T> repeatable() {
        return new ExtensionOption<>(key, type, javaType, converter, defaultValue, description, required, true, aliases,
                commands, paramLabel);
    }

    /** A copy with further spellings, each starting with {@code --} ({@code --api-url}). */
    public ExtensionOption<T> alias(String... names) {
        List<String> all = new ArrayList<>(aliases);
        for (String n : names) {
            if (!ALIAS.matcher(n).matches()) {
                throw new IllegalArgumentException("alias '" + n + "' of option " + key
                        + " is not --name in lower-case kebab-case");
            }
            all.add(n);
        }
        return new ExtensionOption<>(key, type, javaType, converter, defaultValue, description, required, repeatable,
                all, commands, paramLabel);
    }

    /**
     * A copy that only appears on the named commands ({@code profile}), instead of every command that
     * uses the extension's extension point.
     */
    public ExtensionOption<T> onlyFor(String... commandNames) {
        return new ExtensionOption<>(key, type, javaType, converter, defaultValue, description, required, repeatable,
                aliases, Set.of(commandNames), paramLabel);
    }

    /** A copy with the placeholder shown in help ({@code URL}, {@code FILE}); default: the type's. */
    public ExtensionOption<T> paramLabel(String label) {
        return new ExtensionOption<>(key, type, javaType, converter, defaultValue, description, required, repeatable,
                aliases, commands, Objects.requireNonNull(label, "label"));
    }

    /** The namespaced key, {@code <extension>.<option>}. */
    public String key() {
        return key;
    }

    /** The command-line spelling, {@code --<key>}. */
    public String longName() {
        return "--" + key;
    }

    /** The extension name this option belongs to (the key up to its first dot). */
    public String namespace() {
        return key.substring(0, key.indexOf('.'));
    }

    /** The value type. */
    public Type type() {
        return type;
    }

    /** The Java type of values. */
    public Class<T> javaType() {
        return javaType;
    }

    /** The default value, if any. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as users would type it ({@code 30s}, {@code 15m}, {@code 1}); empty when there is none. */
    public String defaultText() {
        if (defaultValue == null) {
            return "";
        }
        if (defaultValue instanceof Duration d) {
            long ms = d.toMillis();
            if (ms != 0 && ms % 3_600_000 == 0) {
                return ms / 3_600_000 + "h";
            } else if (ms != 0 && ms % 60_000 == 0) {
                return ms / 60_000 + "m";
            } else if (ms % 1_000 == 0) {
                return ms / 1_000 + "s";
            }
            return ms + "ms";
        }
        return defaultValue.toString();
    }

    /** {@code --key} with its aliases in parentheses, for messages. */
    public String spellings() {
        return aliases.isEmpty() ? longName() : longName() + " (" + String.join(", ", aliases) + ")";
    }

    /** The one-line description shown in help and {@code flowsim plugins}. */
    public String description() {
        return description;
    }

    /** Whether the option must be given. */
    public boolean isRequired() {
        return required;
    }

    /** Whether the option may be given several times. */
    public boolean isRepeatable() {
        return repeatable;
    }

    /** Further spellings ({@code --api-url}). */
    public List<String> aliases() {
        return aliases;
    }

    /** The commands the option is limited to; empty means every command using the extension point. */
    public Set<String> commands() {
        return commands;
    }

    /** The help placeholder. */
    public String paramLabel() {
        return paramLabel;
    }

    /** The {@link Options} keys this option's values may be stored under: the key, then each alias without dashes. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        keys.add(key);
        aliases.forEach(a -> keys.add(a.substring(2)));
        return keys;
    }

    /**
     * Converts a value as typed by the user.
     *
     * @throws IllegalArgumentException with a short reason ({@code 'x' is not an integer}) when it does not parse
     */
    public T convert(String raw) {
        Objects.requireNonNull(raw, "raw");
        return converter.apply(raw);
    }

    /**
     * Converts a value, as {@link #convert} does, but reports a bad value as a usage error naming the
     * option.
     */
    public T parse(String raw) {
        try {
            return convert(raw);
        } catch (IllegalArgumentException e) {
            throw FlowsimException.usage("option " + spellings() + ": " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtensionOption<?> other && key.equals(other.key) && type == other.type;
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return longName() + " (" + type.name().toLowerCase(Locale.ROOT) + ")";
    }
}
