package io.flowsim.plugin.report;

import java.math.BigDecimal;
import java.util.Locale;

/** Escaping and number formats for the page. Stateless. */
final class Html {

    private Html() {
    }

    /** Text escaped for HTML element content and double-quoted attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append(' ');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Exact microseconds from nanoseconds, as summary.json writes them ({@code 20697.779}). */
    static String exactMicros(long ns) {
        BigDecimal us = BigDecimal.valueOf(ns, 3).stripTrailingZeros();
        return us.scale() < 0 ? us.setScale(0).toPlainString() : us.toPlainString();
    }

    /** Microseconds for people: {@code 20,697.8 us}. */
    static String micros(double ns) {
        double us = ns / 1000.0;
        if (us != 0 && Math.abs(us) < 10) {
            return String.format(Locale.ROOT, "%,.2f us", us);
        }
        return String.format(Locale.ROOT, "%,.1f us", us);
    }

    /** A count with grouping: {@code 1,294}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A signed percentage: {@code +6.8%}. */
    static String signedPercent(double p) {
        return String.format(Locale.ROOT, "%+.1f%%", p);
    }

    /** A percentage: {@code 96.7%}. */
    static String percent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }

    /** A number with up to {@code decimals} decimals, for SVG coordinates and data attributes. */
    static String num(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "0";
        }
        return BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    /** An SVG coordinate (two decimals). */
    static String px(double v) {
        return num(v, 2);
    }

    /**
     * {@code s} cut to at most {@code max} chars with an ellipsis, never between the two halves of a
     * surrogate pair (an emoji, a CJK extension character): half a pair cannot be written as UTF-8.
     */
    static String shorten(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--;
        }
        return s.substring(0, end) + "\u2026";
    }
}
