package io.flowsim.plugin.kernels;

import io.flowsim.api.FlowsimException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regular expressions of kernel databases are user input, matched against every kernel name of
 * every trace (100–300 characters each). Two guards keep a bad pattern from stalling a run:
 *
 * <ul>
 *   <li>at load, {@link #dangerousRepetition} rejects a repeated group that contains an unbounded
 *       repetition ({@code (.*a){8}$}, {@code (a+)+b}): the shape whose backtracking is
 *       exponential in the name's length;</li>
 *   <li>at match time, every match runs over a {@link CharSequence} that counts the characters the
 *       regex engine reads and stops after {@link #MAX_STEPS} ({@link #find}); an ordinary match of a
 *       300-character name reads a few thousand. A pattern that exhausts the budget ends the run
 *       with one bad-input line naming the entry, the pattern and the name.</li>
 * </ul>
 */
final class RegexBudget {

    /** Characters the regex engine may read for one match (a few milliseconds of work). */
    static final long MAX_STEPS = 2_000_000;

    private RegexBudget() {
    }

    /** Whether {@code pattern} occurs in {@code text}; {@code where} names the entry and field for the error. */
    static boolean find(Pattern pattern, String text, String where) {
        return match(pattern, text, where).isPresent();
    }

    /** A matcher positioned on the first occurrence of {@code pattern} in {@code text} (for its groups), if any. */
    static Optional<Matcher> match(Pattern pattern, String text, String where) {
        Matcher m = pattern.matcher(new BudgetedText(text));
        try {
            return m.find() ? Optional.of(m) : Optional.empty();
        } catch (BudgetExhausted e) {
            String shown = text.length() <= 120 ? text : text.substring(0, 117) + "...";
            throw FlowsimException.badInput(where + ": the pattern '" + pattern.pattern() + "' takes too long to match"
                    + " the kernel name '" + shown + "' (over " + MAX_STEPS + " steps); simplify it (no repeated group"
                    + " around .* or .+) and check it with 'flowsim kernels check'");
        }
    }

    /**
     * Why {@code regex} may take exponential time, or empty: a group repeated more than once
     * ({@code *}, {@code +}, {@code {n,m}} with m &gt; 1) whose body holds an unbounded repetition
     * ({@code *}, {@code +}, {@code {n,}}), at any depth. Character classes, escapes and quoted
     * sections are skipped. Deliberately conservative: it may reject a pattern whose delimiters would
     * have kept it fast; such patterns can always be rewritten without the nesting.
     */
    static Optional<String> dangerousRepetition(String regex) {
        record Group(int start, boolean[] unbounded) {
        }
        java.util.ArrayDeque<Group> open = new java.util.ArrayDeque<>();
        int n = regex.length();
        int i = 0;
        while (i < n) {
            char c = regex.charAt(i);
            if (c == '(') {
                open.push(new Group(i, new boolean[1]));
                i++;
                continue;
            }
            if (c == ')') {
                Group g = open.isEmpty() ? null : open.pop();
                i++;
                Quantifier q = Quantifier.at(regex, i);
                if (g != null) {
                    if (q.repeats && g.unbounded[0]) {
                        return Optional.of("the group '" + regex.substring(g.start, i) + "' is repeated by '"
                                + regex.substring(i, i + q.length) + "' and contains an unbounded repetition (.*, .+,"
                                + " x*, x+): matching can take exponential time on long kernel names; rewrite it"
                                + " without repeating a group around .* or .+");
                    }
                    if (!open.isEmpty() && (g.unbounded[0] || q.unbounded)) {
                        open.peek().unbounded[0] = true;
                    }
                }
                i += q.length;
                continue;
            }
            // one atom: an escape, a quoted section, a character class, or a single character
            if (c == '\\' && i + 1 < n && regex.charAt(i + 1) == 'Q') {
                int end = regex.indexOf("\\E", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\\') {
                i += 2;
            } else if (c == '[') {
                i = classEnd(regex, i);
            } else {
                i++;
            }
            if (c == '|' || c == '^' || c == '$') {
                continue;
            }
            Quantifier q = Quantifier.at(regex, i);
            if (q.unbounded && !open.isEmpty()) {
                open.peek().unbounded[0] = true;
            }
            i += q.length;
        }
        return Optional.empty();
    }

    /** The index after the character class starting at {@code start}. */
    private static int classEnd(String regex, int start) {
        int depth = 0;
        int i = start;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                depth++;
                if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
                    i++;
                }
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        return regex.length();
    }

    /** A quantifier after an atom or group: whether it repeats more than once, whether without bound. */
    private record Quantifier(int length, boolean repeats, boolean unbounded) {
        static final Quantifier NONE = new Quantifier(0, false, false);

        static Quantifier at(String regex, int i) {
            if (i >= regex.length()) {
                return NONE;
            }
            char c = regex.charAt(i);
            Quantifier q;
            if (c == '*' || c == '+') {
                q = new Quantifier(1, true, true);
            } else if (c == '?') {
                q = new Quantifier(1, false, false);
            } else if (c == '{') {
                int close = regex.indexOf('}', i);
                if (close < 0) {
                    return NONE;
                }
                String body = regex.substring(i + 1, close);
                int comma = body.indexOf(',');
                try {
                    if (comma < 0) {
                        q = new Quantifier(close - i + 1, Integer.parseInt(body.trim()) > 1, false);
                    } else if (body.substring(comma + 1).isBlank()) {
                        q = new Quantifier(close - i + 1, true, true);
                    } else {
                        q = new Quantifier(close - i + 1, Integer.parseInt(body.substring(comma + 1).trim()) > 1, false);
                    }
                } catch (NumberFormatException e) {
                    return NONE;
                }
            } else {
                return NONE;
            }
            // a lazy or possessive suffix
            int end = i + q.length;
            if (end < regex.length() && (regex.charAt(end) == '?' || regex.charAt(end) == '+')) {
                q = new Quantifier(q.length + 1, q.repeats, q.unbounded);
            }
            return q;
        }
    }

    /** The text under match, counting the characters the engine reads. */
    private static final class BudgetedText implements CharSequence {
        private final String text;
        private long left = MAX_STEPS;

        BudgetedText(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new BudgetExhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class BudgetExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExhausted() {
            super(null, null, false, false);
        }
    }
}
