package io.flowsim.plugin.pytorch;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Converts the microsecond numbers of a Chrome trace ({@code ts}, {@code dur}) to exact integer
 * nanoseconds from their text, never through a {@code double}: new-dialect timestamps have 16
 * significant digits, at the limit of a double. Digits beyond the third fraction digit (beyond
 * nanoseconds) are truncated toward zero.
 */
final class Micros {

    /** The largest integral microsecond count whose nanoseconds (plus up to 999) fit a long. */
    private static final long MAX_MICROS = (Long.MAX_VALUE - 999) / 1000;

    private Micros() {
    }

    /**
     * Nanoseconds for the decimal text {@code chars[offset, offset+length)} (for example
     * {@code 3037610555544.51} &rarr; {@code 3037610555544510}).
     *
     * @throws NumberFormatException if the text is not a number or the result does not fit a long
     */
    static long toNanos(char[] chars, int offset, int length) {
        int i = offset;
        int end = offset + length;
        boolean negative = false;
        if (i < end && (chars[i] == '-' || chars[i] == '+')) {
            negative = chars[i] == '-';
            i++;
        }
        long value = 0;
        int digits = 0;
        for (; i < end && chars[i] >= '0' && chars[i] <= '9'; i++) {
            // plain arithmetic (no Math.*Exact calls per digit: this runs twice per event): 18
            // digits cannot overflow a long; longer numbers take the exact path below
            value = value * 10 + (chars[i] - '0');
            digits++;
        }
        int fraction = 0;
        int fractionDigits = 0;
        if (i < end && chars[i] == '.') {
            i++;
            for (; i < end && chars[i] >= '0' && chars[i] <= '9'; i++) {
                if (fractionDigits < 3) {
                    fraction = fraction * 10 + (chars[i] - '0');
                }
                fractionDigits++;
            }
        }
        if (i < end || digits + fractionDigits == 0 || digits > 18 || value > MAX_MICROS) {
            // an exponent, or something unusual: take the slow exact path
            return toNanos(new String(chars, offset, length));
        }
        for (int k = Math.min(fractionDigits, 3); k < 3; k++) {
            fraction *= 10;
        }
        long nanos = value * 1000 + fraction;
        return negative ? -nanos : nanos;
    }

    /** Same as {@link #toNanos(char[], int, int)} for a string. */
    static long toNanos(String micros) {
        String text = micros.trim();
        if (text.isEmpty()) {
            throw new NumberFormatException("empty number");
        }
        if (text.length() > 100) {
            throw new NumberFormatException("a " + text.length() + "-character number");
        }
        try {
            BigDecimal nanos = new BigDecimal(text).movePointRight(3);
            // decided from the digit count first: an exponent like 1e999999999 would otherwise make
            // setScale build a number of a billion digits (minutes of CPU for one damaged value)
            long integerDigits = (long) nanos.precision() - nanos.scale();
            if (nanos.signum() == 0 || integerDigits <= 0) {
                return 0;
            }
            if (integerDigits > 19) {
                throw new ArithmeticException("out of range");
            }
            return nanos.setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new NumberFormatException("'" + micros + "' microseconds does not fit in 64-bit nanoseconds");
        }
    }

    /** Microseconds text for nanoseconds: {@code 1632} &rarr; {@code 1.632}, {@code 2000} &rarr; {@code 2}. */
    static String format(long nanos) {
        return BigDecimal.valueOf(nanos, 3).stripTrailingZeros().toPlainString();
    }
}
