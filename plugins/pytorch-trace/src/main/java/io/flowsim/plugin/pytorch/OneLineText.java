package io.flowsim.plugin.pytorch;

import java.util.Locale;

/**
 * Text from a trace (a top-level key) made safe for a one-line message: every control character, and each
 * Unicode line or paragraph separator, is written as an escape ({@code \n}, {@code \r}, {@code \t}, else a
 * backslash, {@code u} and the four hex digits of the character); everything else is kept as it is. The same
 * rule as the runtime's {@code PrintableText}, which a plugin cannot depend on, so that a key reads the same
 * whether this plugin or the runtime wrote the line.
 * Stateless; thread-safe.
 */
final class OneLineText {

    private OneLineText() {
    }

    /** {@code text} with its control characters and line separators escaped. */
    static String of(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // C0 and C1 controls and DEL, and U+2028 and U+2029, which some terminals and editors break at
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
