package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders kernel records the way the original FlowSim's parser writes its CSV cells (Python
 * {@code str()} of lists, {@code N/A} when there are no profiler shapes), for parity tests.
 */
final class OriginalCsvFormat {

    private OriginalCsvFormat() {
    }

    /** {@code Dims}: Python str of the operator's {@code Input Dims}, or {@code N/A}. */
    static String dims(KernelRecord r) {
        return inputs(r) == null ? "N/A"
                : inputs(r).stream().map(i -> i.dims().format()).collect(Collectors.joining(", ", "[", "]"));
    }

    /** {@code Data Type}: Python list repr of the operator's {@code Input type}, or {@code N/A}. */
    static String dataType(KernelRecord r) {
        return inputs(r) == null ? "N/A"
                : inputs(r).stream().map(i -> pythonRepr(i.type())).collect(Collectors.joining(", ", "[", "]"));
    }

    private static List<OperatorInput> inputs(KernelRecord r) {
        return r.operator().filter(o -> o.shapeSource() == ShapeSource.PROFILER).map(OperatorCall::inputs).orElse(null);
    }

    /** {@code Duration (us)}: Python float repr of the microseconds ({@code 1.632}, {@code 2.0}). */
    static String duration(KernelRecord r) {
        BigDecimal us = BigDecimal.valueOf(r.durationNs(), 3).stripTrailingZeros();
        return us.scale() <= 0 ? us.setScale(1).toPlainString() : us.toPlainString();
    }

    /** Python's repr of a str. */
    static String pythonRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == quote) {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
            }
        }
        return sb.append(quote).toString();
    }
}
