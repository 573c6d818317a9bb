package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Direction;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.List;
import java.util.Locale;

/** Read helpers over a {@link SimulationRequest}'s operands and attributes (docs/operand-conventions.md). */
final class RequestView {

    private RequestView() {
    }

    /** Threads the kernel was launched with (grid volume x block volume), or 0 when the trace records no launch. */
    static long launchedThreads(SimulationRequest r) {
        return r.launch().map(l -> l.grid().volume() * l.block().volume()).orElse(0L);
    }

    /** The first operand with one of the names, or null. */
    static Operand operand(SimulationRequest r, String... names) {
        List<Operand> operands = r.operands();
        for (String name : names) {
            for (int i = 0; i < operands.size(); i++) {
                Operand o = operands.get(i);
                if (o.name().equals(name)) {
                    return o;
                }
            }
        }
        return null;
    }

    /** Whether any operand has a non-empty shape. */
    static boolean hasShapes(SimulationRequest r) {
        for (Operand o : r.operands()) {
            if (!o.shape().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** An attribute as text, or null. */
    static String text(SimulationRequest r, String key) {
        String v = r.attributes().get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** An attribute as a number; {@code fallback} when absent; NaN when present but not a number. */
    static double number(SimulationRequest r, String key, double fallback) {
        String v = text(r, key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** An attribute as a boolean; {@code fallback} when absent or not a boolean. */
    static boolean flag(SimulationRequest r, String key, boolean fallback) {
        String v = text(r, key);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> fallback;
        };
    }

    /** The extent of dimension {@code i} counted from the end (1 = last), or 1 when absent. */
    static long dimFromEnd(Operand o, int i) {
        List<Long> s = o.shape();
        return s.size() >= i ? s.get(s.size() - i) : 1;
    }

    /** The product of all dimensions except the last {@code keep}. */
    static long leading(Operand o, int keep) {
        List<Long> s = o.shape();
        long n = 1;
        for (int i = 0; i < s.size() - keep; i++) {
            n *= s.get(i);
        }
        return n;
    }

        /** Whether the operand is read. */
    static boolean read(Operand o) {
        return o.direction() == Direction.INPUT || o.direction() == Direction.INPUT_OUTPUT
                || o.direction() == Direction.UNKNOWN;
    }

    /** Whether the operand is written. */
    static boolean written(Operand o) {
        return o.direction() == Direction.OUTPUT || o.direction() == Direction.INPUT_OUTPUT;
    }

    /** p-norm of two non-negative times: between max(a, b) (p large) and a + b (p = 1). */
    static double pnorm(double a, double b, double p) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (hi <= 0) {
            return 0;
        }
        double r = lo / hi;
        return hi * Math.pow(1 + Math.pow(r, p), 1 / p);
    }
}
