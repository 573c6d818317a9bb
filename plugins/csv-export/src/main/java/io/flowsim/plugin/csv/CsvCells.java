package io.flowsim.plugin.csv;

import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The cell formats of the per-kernel CSV (docs/output-formats.md). The original FlowSim's columns
 * keep its Python spellings ({@code str()} of lists, single-quoted strings, {@code N/A}) so that
 * existing consumers parse them unchanged. Stateless.
 */
final class CsvCells {

    /** What the original writes when a kernel has no recorded shapes. */
    static final String NOT_AVAILABLE = "N/A";

    private CsvCells() {
    }

    /**
     * Microseconds from nanoseconds, exactly, as Python prints a float read from the trace:
     * {@code 1.632}, {@code 1598.9}, {@code 12.0}.
     */
    static String micros(long ns) {
        BigDecimal us = BigDecimal.valueOf(ns, 3).stripTrailingZeros();
        return us.scale() <= 0 ? us.setScale(1).toPlainString() : us.toPlainString();
    }

    /** The {@code Dims} cell: Python {@code str()} of the operator's input dimensions, or {@code N/A}. */
    static String dims(Optional<OperatorCall> operator) {
        if (!hasShapes(operator)) {
            return NOT_AVAILABLE;
        }
        return operator.get().inputs().stream().map(i -> i.dims().format()).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The {@code Data Type} cell: Python {@code repr()} of the recorded type strings, or {@code N/A}. */
    static String types(Optional<OperatorCall> operator) {
        if (!hasShapes(operator)) {
            return NOT_AVAILABLE;
        }
        return pythonList(operator.get().inputs().stream().map(OperatorInput::type).toList());
    }

    private static boolean hasShapes(Optional<OperatorCall> operator) {
        return operator.isPresent() && operator.get().shapeSource() != ShapeSource.NONE;
    }

    /** Python {@code repr()} of a list of strings; empty for an empty list (as the original writes). */
    static String pythonList(List<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        return values.stream().map(CsvCells::pythonString).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Python {@code repr()} of a string: single quotes unless the text contains a single quote and
     * no double quote; backslashes, the chosen quote and control characters escaped.
     */
    static String pythonString(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(quote).toString();
    }

    /** {@code [x, y, z]}, or empty. */
    static String dim3(Optional<Dim3> d) {
        return d.map(Dim3::toString).orElse("");
    }

    /** An integer id, or empty when unknown (negative). */
    static String id(long value) {
        return value < 0 ? "" : Long.toString(value);
    }

    /** Operands as {@code name [shape] dtype}, joined by {@code "; "}; non-inputs marked. */
    static String operands(List<Operand> operands) {
        return operands.stream().map(o -> o.name() + " " + o.shape() + " " + o.dataType().id()
                + (o.direction() == Direction.INPUT ? "" : " (" + direction(o.direction()) + ")"))
                .collect(Collectors.joining("; "));
    }

    private static String direction(Direction d) {
        return switch (d) {
            case INPUT -> "input";
            case OUTPUT -> "output";
            case INPUT_OUTPUT -> "input/output";
            case UNKNOWN -> "unknown";
        };
    }

    /** Attributes as {@code key=value}, sorted by key, joined by {@code "; "}. */
    static String attributes(Map<String, String> attributes) {
        return new TreeMap<>(attributes).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
    }

    /** A lower-case enum constant ({@code name_pattern}). */
    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A percentage with two decimals, or empty. */
    static String percent(java.util.OptionalDouble p) {
        return p.isPresent() ? String.format(Locale.ROOT, "%.2f", p.getAsDouble()) : "";
    }

    /** A ratio such as predicted over measured time: four decimals. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.4f", r);
    }

    /** A count such as FLOPs or bytes: a whole number without exponent. */
    static String number(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** A rate or time with four decimals ({@code 612.3417}, {@code 0.0021}). */
    static String rate(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
