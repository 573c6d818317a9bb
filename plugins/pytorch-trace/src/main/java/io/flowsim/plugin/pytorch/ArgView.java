package io.flowsim.plugin.pytorch;

import io.flowsim.api.FlowsimException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Typed, validating access to an event's {@code args}. Absent keys are empty results; a present key
 * of the wrong type is bad input, reported with the file, the event and the key. Integers are
 * accepted as JSON integers, integral decimals ({@code 68.0}) or numeric strings ({@code "12"}).
 */
final class ArgView {

    private final Map<String, Object> args;
    private final String file;
    private final EventLocation location;
    private final Supplier<String> event;

    ArgView(Map<String, Object> args, String file, EventLocation location, String event) {
        this(args, file, location, () -> event);
    }

    /** With the event's description ({@code kernel 'name'}) made only if an error needs it. */
    ArgView(Map<String, Object> args, String file, EventLocation location, Supplier<String> event) {
        this.args = args == null ? Map.of() : args;
        this.file = file;
        this.location = location;
        this.event = event;
    }

    boolean has(String key) {
        return args.get(key) != null;
    }

    Object get(String key) {
        return args.get(key);
    }

    /** An integer argument; integers beyond 64 bits are reported as empty (they are ids nothing can use). */
    OptionalLong integer(String key) {
        Object v = args.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof Long l) {
            return OptionalLong.of(l);
        }
        if (v instanceof BigInteger) {
            return OptionalLong.empty();
        }
        if (v instanceof BigDecimal d) {
            OptionalLong exact = JsonValues.exactLong(d);
            if (exact.isEmpty()) {
                throw wrongType(key, "an integer", v);
            }
            return exact;
        }
        if (v instanceof String s) {
            try {
                return OptionalLong.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                throw wrongType(key, "an integer", v);
            }
        }
        throw wrongType(key, "an integer", v);
    }

    /** The first present key of {@code keys} as an integer ({@code External id} / {@code external id}). */
    OptionalLong integer(String key, String alternative) {
        return args.get(key) != null ? integer(key) : integer(alternative);
    }

    /** A scalar argument as text; lists and objects are wrong. */
    Optional<String> text(String key) {
        Object v = args.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List || v instanceof Map) {
            throw wrongType(key, "a string or number", v);
        }
        return Optional.of(JsonValues.text(v));
    }

    /** A list argument. */
    Optional<List<Object>> list(String key) {
        Object v = args.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> objects = (List<Object>) list;
            return Optional.of(objects);
        }
        throw wrongType(key, "a list", v);
    }

    /** A non-negative integer list of exactly three entries ({@code grid}, {@code block}). */
    Optional<long[]> triple(String key) {
        Optional<List<Object>> list = list(key);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        List<Object> values = list.get();
        if (values.size() != 3) {
            throw wrongType(key, "a list of 3 integers", values);
        }
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            Object v = values.get(i);
            if (!(v instanceof Long l) || l < 0) {
                throw wrongType(key, "a list of 3 non-negative integers", values);
            }
            out[i] = l;
        }
        return Optional.of(out);
    }

    FlowsimException wrongType(String key, String expected, Object found) {
        return TraceErrors.badEvent(file, location, event.get(), "args." + key + " must be " + expected + ", found "
                + JsonValues.describe(found));
    }

    FlowsimException invalid(String message) {
        return TraceErrors.badEvent(file, location, event.get(), message);
    }
}
