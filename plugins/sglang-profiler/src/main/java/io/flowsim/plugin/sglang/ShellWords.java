package io.flowsim.plugin.sglang;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one option string into arguments with the quoting rules of Python's
 * {@code shlex.split(s)} (POSIX mode), which the original {@code run_profile.py} used, so that an
 * {@code --server-opts} string means the same to FlowSim as it did there:
 *
 * <ul>
 *   <li>spaces, tabs, carriage returns and newlines separate words;</li>
 *   <li>{@code '...'} keeps everything literally;</li>
 *   <li>{@code "..."} keeps everything, except that a backslash escapes {@code "} and {@code \}
 *       (any other backslash stays as written);</li>
 *   <li>outside quotes a backslash escapes the next character (a backslash at the very end is an
 *       error);</li>
 *   <li>quoted parts join the surrounding word ({@code --x="a b"c} is one word); {@code ''} is an
 *       empty word.</li>
 * </ul>
 *
 * No expansion happens: {@code $VAR}, {@code ~}, globs and {@code #} are ordinary characters.
 * A hand-written splitter rather than a library: no well-kept Java library implements these exact
 * rules, and they fit in one small state machine that the tests compare against Python itself.
 */
final class ShellWords {

    private ShellWords() {
    }

    /**
     * Splits {@code text} into words.
     *
     * @throws IllegalArgumentException when a quote is not closed or the text ends in a lone
     *                                  backslash; the message names the character position
     */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int close = text.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("no closing quote for the ' at position " + (i + 1));
                }
                word.append(text, i + 1, close);
                inWord = true;
                i = close + 1;
            } else if (c == '"') {
                int start = i;
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = text.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                        word.append(text.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("no closing quote for the \" at position " + (start + 1));
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("a lone backslash at the end (position " + (i + 1) + ")");
                }
                word.append(text.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    /**
     * Quotes {@code word} so that {@link #split} (and a POSIX shell) reads it back unchanged; words
     * of only safe characters stay as they are. For showing commands that can be copied.
     */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(ShellWords::isSafe)) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    /** The words quoted and joined by spaces. */
    static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quote(w));
        }
        return sb.toString();
    }

    private static boolean isSafe(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-_./:=@%+,".indexOf(c) >= 0;
    }
}
