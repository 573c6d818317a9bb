package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A typed key for one of the string attributes resolvers put on a {@link ResolvedKernel} and
 * backends read from a {@link SimulationRequest} (docs/operand-conventions.md). The conventions
 * themselves are the constants of {@link Attributes}; a plugin may make keys of its own with the
 * factories here.
 *
 * <pre>{@code
 * long batch = request.attribute(Attributes.ATTENTION_BATCH).orElse(1L);
 * SimulationRequest.builder("flash_fwd").attribute(Attributes.ATTENTION_PHASE, "prefill")...
 * }</pre>
 *
 * @param <T> the value type: {@link String}, {@link Long}, {@link Double} or {@link Boolean}
 *
 * <p>Experimental: keys are still being added and refined (attention implementations, convolutions).
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class AttributeKey<T> {

    private final String name;
    private final Class<T> type;
    private final Function<String, T> parser;

    private AttributeKey(String name, Class<T> type, Function<String, T> parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.parser = parser;
    }

    /** A text attribute. */
    public static AttributeKey<String> text(String name) {
        return new AttributeKey<>(name, String.class, String::trim);
    }

    /** A whole-number attribute. */
    public static AttributeKey<Long> integer(String name) {
        return new AttributeKey<>(name, Long.class, v -> {
            double d = Double.parseDouble(v.trim());
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new NumberFormatException(v);
            }
            return (long) d;
        });
    }

    /** A decimal attribute (an average, for example). */
    public static AttributeKey<Double> decimal(String name) {
        return new AttributeKey<>(name, Double.class, v -> Double.parseDouble(v.trim()));
    }

    /** A boolean attribute ({@code true/false}, {@code yes/no}, {@code 1/0}). */
    public static AttributeKey<Boolean> flag(String name) {
        return new AttributeKey<>(name, Boolean.class, v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(v);
        });
    }

    /** The attribute's name ({@code attention.phase}). */
    public String name() {
        return name;
    }

    /** The value type. */
    public Class<T> type() {
        return type;
    }

    /**
     * The attribute's value in {@code attributes}: empty when absent, blank, or not of this key's type
     * (a backend then treats it as unknown rather than guessing).
     */
    public Optional<T> from(Map<String, String> attributes) {
        String v = attributes.get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(v));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code attributes} has a value for this key that is not of its type. */
    public boolean isMalformedIn(Map<String, String> attributes) {
        String v = attributes.get(name);
        return v != null && !v.isBlank() && from(attributes).isEmpty();
    }

    /** The text stored for a value: whole decimals without a fraction ({@code 1}, not {@code 1.0}). */
    public String format(T value) {
        Objects.requireNonNull(value, "value");
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return value.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributeKey<?> other && name.equals(other.name) && type == other.type;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
