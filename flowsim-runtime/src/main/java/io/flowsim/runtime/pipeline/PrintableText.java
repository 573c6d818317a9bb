package io.flowsim.runtime.pipeline;

import java.util.Locale;

/**
 * Text from outside (a file's name, a trace's name, a kernel's or a plugin's message) made safe to print on one
 * line: every control character, and each Unicode line or paragraph separator, is written as an escape
 * ({@code \n}, {@code \r}, {@code \t}, else a backslash, {@code u} and the four hex digits of the character),
 * so a hostile name can neither break a line that a script parses nor send a terminal's escape sequences.
 * Everything else, backslashes included, is printed as it is.
 * Stateless; thread-safe.
 */
public final class PrintableText {

    private PrintableText() {
    }

    /** {@code text} with its control characters escaped; {@code "null"} for null, as string concatenation prints it. */
    public static String of(Object text) {
        String s = String.valueOf(text);
        int first = 0;
        while (first < s.length() && !escaped(s.charAt(first))) {
            first++;
        }
        if (first == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (escaped(c)) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** C0 and C1 controls and DEL, and the Unicode line and paragraph separators (U+2028, U+2029). */
    private static boolean escaped(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
