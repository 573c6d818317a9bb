package io.flowsim.plugin.kernels;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Literal strings a regular expression cannot match without: for a Java regex compiled without
 * flags, a set of strings of which every text the pattern is found in contains at least one.
 * {@link PatternPrefilter} uses them to rule patterns out before running them.
 *
 * <p>Soundness is the whole contract: a set is returned only where the pattern certainly needs one
 * of its strings, and anything the reader does not fully understand (inline flags, back references,
 * Unicode property, hexadecimal, octal and control escapes, unbalanced parentheses, very deep
 * nesting) gives no set, which means "always run the pattern". Optional parts ({@code ?}, {@code *},
 * {@code {0,n}}), look-arounds, anchors, character classes, {@code .} and class escapes
 * ({@code \d}, {@code \w}, ...) require nothing; an alternation requires one of its alternatives'
 * strings, and a sequence requires whichever of its parts' sets has the longest shortest string.
 * Stateless.
 */
final class RequiredLiterals {

    /** Class escapes and zero-width escapes, each two characters long: they match no fixed text. */
    private static final String PLAIN_ESCAPES = "dDsSwWhHvVRXtnrfaebBAzZG";
    /** Parentheses deeper than this give no set (a guard for the recursion, not a regex limit). */
    private static final int MAX_DEPTH = 64;

    private final String regex;
    private int at;

    private RequiredLiterals(String regex) {
        this.regex = regex;
    }

    /**
     * The strings one of which every match of {@code regex} contains, or empty where the pattern
     * may match without any fixed text, or where its syntax is beyond this reader.
     */
    static Optional<Set<String>> of(String regex) {
        RequiredLiterals reader = new RequiredLiterals(regex);
        try {
            Set<String> required = reader.alternation(0);
            if (reader.at != regex.length()) {
                return Optional.empty(); // an unmatched ')': not a pattern Java compiles
            }
            return Optional.ofNullable(required);
        } catch (Unsupported e) {
            return Optional.empty();
        }
    }

    /** {@code a|b|...} up to a ')' or the end: one of every alternative's strings, or null. */
    private Set<String> alternation(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Unsupported();
        }
        Set<String> union = new LinkedHashSet<>();
        boolean always = false;
        while (true) {
            Set<String> one = sequence(depth);
            if (one == null) {
                always = true;
            } else {
                union.addAll(one);
            }
            if (at < regex.length() && regex.charAt(at) == '|') {
                at++;
                continue;
            }
            return always ? null : union;
        }
    }

    /** Atoms up to a '|', a ')' or the end: the best of the sets its parts require, or null. */
    private Set<String> sequence(int depth) {
        List<Set<String>> found = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        while (at < regex.length()) {
            char c = regex.charAt(at);
            if (c == '|' || c == ')') {
                break;
            }
            if (c == '(') {
                Set<String> inner = group(depth);
                Quantifier q = quantifier();
                flush(run, found);
                if (inner != null && q.min > 0) {
                    found.add(inner);
                }
            } else if (c == '\\' && at + 1 < regex.length() && regex.charAt(at + 1) == 'Q') {
                int end = regex.indexOf("\\E", at + 2);
                String quoted = regex.substring(at + 2, end < 0 ? regex.length() : end);
                at = end < 0 ? regex.length() : end + 2;
                literals(quoted, run, found);
            } else if (c == '\\') {
                if (at + 1 >= regex.length()) {
                    throw new Unsupported();
                }
                char e = regex.charAt(at + 1);
                at += 2;
                if (Character.isLetterOrDigit(e)) {
                    if (PLAIN_ESCAPES.indexOf(e) < 0) {
                        throw new Unsupported();
                    }
                    quantifier();
                    flush(run, found);
                } else {
                    literals(String.valueOf(e), run, found);
                }
            } else if (c == '[') {
                at = classEnd(at);
                quantifier();
                flush(run, found);
            } else if (c == '.' || c == '^' || c == '$' || Character.isSurrogate(c)) {
                at++;
                quantifier();
                flush(run, found);
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                throw new Unsupported(); // a quantifier with nothing to repeat, or a '{' that is not one
            } else {
                at++;
                literals(String.valueOf(c), run, found);
            }
        }
        flush(run, found);
        Set<String> best = null;
        for (Set<String> candidate : found) {
            if (best == null || better(candidate, best)) {
                best = candidate;
            }
        }
        return best;
    }

    /** Literal characters followed by an optional quantifier, which applies to the last of them. */
    private void literals(String text, StringBuilder run, List<Set<String>> found) {
        if (text.isEmpty()) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                // a code point the engine reads whole; a quantifier after it would repeat both halves
                flush(run, found);
                quantifier();
                return;
            }
        }
        Quantifier q = quantifier();
        if (q.max == 1 && q.min == 1) {
            run.append(text);
            return;
        }
        run.append(text, 0, text.length() - (q.min == 0 ? 1 : 0));
        flush(run, found);
    }

    /** A group from its '(' to its ')': what its contents require, or null (look-arounds require nothing). */
    private Set<String> group(int depth) {
        at++;
        boolean lookaround = false;
        if (at < regex.length() && regex.charAt(at) == '?') {
            String rest = regex.substring(at + 1, Math.min(regex.length(), at + 3));
            if (rest.startsWith(":") || rest.startsWith(">")) {
                at += 2;
            } else if (rest.startsWith("=") || rest.startsWith("!")) {
                at += 2;
                lookaround = true;
            } else if (rest.startsWith("<=") || rest.startsWith("<!")) {
                at += 3;
                lookaround = true;
            } else if (rest.startsWith("<")) {
                int close = regex.indexOf('>', at);
                if (close < 0) {
                    throw new Unsupported();
                }
                at = close + 1;
            } else {
                throw new Unsupported(); // inline flags: (?i), (?x:...)
            }
        }
        Set<String> inner = alternation(depth + 1);
        if (at >= regex.length() || regex.charAt(at) != ')') {
            throw new Unsupported();
        }
        at++;
        return lookaround ? null : inner;
    }

    /** The index after the character class opening at {@code start} (nested classes, escapes, quotes). */
    private int classEnd(int start) {
        int depth = 0;
        int i = start;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') {
                int end = regex.indexOf("\\E", i + 2);
                if (end < 0) {
                    throw new Unsupported();
                }
                i = end + 2;
                continue;
            }
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                depth++;
                i++;
                if (i < regex.length() && regex.charAt(i) == '^') {
                    i++;
                }
                if (i < regex.length() && regex.charAt(i) == ']') {
                    i++; // a ']' first in a class is one of its characters
                }
                continue;
            }
            if (c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        throw new Unsupported();
    }

    /** How often the atom before may repeat: {@code min} and {@code max} (-1: unbounded); {1,1} when none. */
    private record Quantifier(int min, int max) {
    }

    /** Reads the quantifier at the current position, if any, with its lazy or possessive suffix. */
    private Quantifier quantifier() {
        if (at >= regex.length()) {
            return new Quantifier(1, 1);
        }
        char c = regex.charAt(at);
        Quantifier q;
        if (c == '?') {
            q = new Quantifier(0, 1);
            at++;
        } else if (c == '*') {
            q = new Quantifier(0, -1);
            at++;
        } else if (c == '+') {
            q = new Quantifier(1, -1);
            at++;
        } else if (c == '{') {
            int close = regex.indexOf('}', at);
            if (close < 0) {
                throw new Unsupported();
            }
            String body = regex.substring(at + 1, close);
            int comma = body.indexOf(',');
            String low = comma < 0 ? body : body.substring(0, comma);
            String high = comma < 0 ? body : body.substring(comma + 1);
            if (!low.matches("[0-9]{1,9}") || !(high.matches("[0-9]{1,9}") || comma >= 0 && high.isEmpty())) {
                throw new Unsupported(); // e.g. \b{g}
            }
            q = new Quantifier(Integer.parseInt(low), high.isEmpty() ? -1 : Integer.parseInt(high));
            at = close + 1;
        } else {
            return new Quantifier(1, 1);
        }
        if (at < regex.length() && (regex.charAt(at) == '?' || regex.charAt(at) == '+')) {
            at++;
        }
        return q;
    }

    private static void flush(StringBuilder run, List<Set<String>> found) {
        if (run.length() > 0) {
            found.add(Set.of(run.toString()));
            run.setLength(0);
        }
    }

    /** Whether {@code a} rules out more texts than {@code b}: a longer shortest string, then fewer strings. */
    private static boolean better(Set<String> a, Set<String> b) {
        int shortestA = a.stream().mapToInt(String::length).min().orElse(0);
        int shortestB = b.stream().mapToInt(String::length).min().orElse(0);
        return shortestA != shortestB ? shortestA > shortestB : a.size() < b.size();
    }

    /** Syntax this reader does not follow: the pattern then requires nothing. */
    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }
}
