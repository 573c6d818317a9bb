package io.flowsim.plugin.kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Rules regular expressions out for a text before any of them runs. Each pattern's
 * {@link RequiredLiterals} are put in one Aho-Corasick automaton, built at load; a text is read
 * once through it, and a pattern is a candidate when one of its required strings occurs in the
 * text, or when it requires none. A pattern that is not a candidate cannot be found in the text,
 * so trying only the candidates, in their order, finds the same first match (and the same set of
 * matches) as trying every pattern. Patterns compiled with {@link Pattern#CASE_INSENSITIVE} (US-ASCII
 * case folding) are read too: then the strings and the text are compared with ASCII letters in
 * lower case; any other flag makes a pattern always a candidate. Immutable, so safe to share
 * between threads.
 */
final class PatternPrefilter {

    /** Patterns tried whatever the text: those requiring no fixed string. */
    private final BitSet always;
    /** Per state: its transitions, as sorted characters and their target states. */
    private final char[][] keys;
    private final int[][] targets;
    /** Per state: the state of its longest proper suffix that is also a prefix of a string. */
    private final int[] fail;
    /** Per state: the patterns one of whose strings ends here (its suffixes' included). */
    private final int[][] found;
    /** Whether strings and texts are compared with ASCII letters in lower case. */
    private final boolean foldCase;

    private PatternPrefilter(BitSet always, char[][] keys, int[][] targets, int[] fail, int[][] found,
                             boolean foldCase) {
        this.always = always;
        this.foldCase = foldCase;
        this.keys = keys;
        this.targets = targets;
        this.fail = fail;
        this.found = found;
    }

    /** A filter for {@code patterns}; candidates are reported by their index in this list. */
    static PatternPrefilter of(List<Pattern> patterns) {
        BitSet always = new BitSet();
        List<TreeMap<Character, Integer>> children = new ArrayList<>();
        List<BitSet> ends = new ArrayList<>();
        children.add(new TreeMap<>());
        ends.add(new BitSet());
        boolean foldCase = patterns.stream().anyMatch(p -> p.flags() == Pattern.CASE_INSENSITIVE);
        for (int p = 0; p < patterns.size(); p++) {
            int flags = patterns.get(p).flags();
            Optional<Set<String>> required = flags == 0 || flags == Pattern.CASE_INSENSITIVE
                    ? RequiredLiterals.of(patterns.get(p).pattern()) : Optional.empty();
            if (required.isEmpty()) {
                always.set(p);
                continue;
            }
            for (String string : required.get()) {
                String literal = foldCase ? lowerAscii(string) : string;
                int state = 0;
                for (int i = 0; i < literal.length(); i++) {
                    Integer next = children.get(state).get(literal.charAt(i));
                    if (next == null) {
                        next = children.size();
                        children.add(new TreeMap<>());
                        ends.add(new BitSet());
                        children.get(state).put(literal.charAt(i), next);
                    }
                    state = next;
                }
                ends.get(state).set(p);
            }
        }
        int states = children.size();
        char[][] keys = new char[states][];
        int[][] targets = new int[states][];
        for (int s = 0; s < states; s++) {
            TreeMap<Character, Integer> c = children.get(s);
            keys[s] = new char[c.size()];
            targets[s] = new int[c.size()];
            int i = 0;
            for (Map.Entry<Character, Integer> e : c.entrySet()) {
                keys[s][i] = e.getKey();
                targets[s][i] = e.getValue();
                i++;
            }
        }
        // failure links breadth first, so a state's suffix states are done before it
        int[] fail = new int[states];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : targets[0]) {
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            ends.get(s).or(ends.get(fail[s]));
            for (int i = 0; i < keys[s].length; i++) {
                int child = targets[s][i];
                int f = fail[s];
                int next = step(keys, targets, f, keys[s][i]);
                while (next < 0 && f != 0) {
                    f = fail[f];
                    next = step(keys, targets, f, keys[s][i]);
                }
                fail[child] = next < 0 ? 0 : next;
                queue.add(child);
            }
        }
        Map<BitSet, int[]> shared = new HashMap<>();
        int[][] found = new int[states][];
        for (int s = 0; s < states; s++) {
            found[s] = shared.computeIfAbsent(ends.get(s), b -> b.stream().toArray());
        }
        return new PatternPrefilter(always, keys, targets, fail, found, foldCase);
    }

    /** {@code text} with the ASCII letters in lower case, every other character as it is. */
    private static String lowerAscii(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = lowerAscii(chars[i]);
        }
        return new String(chars);
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The transition from {@code state} on {@code c}, or -1. */
    private static int step(char[][] keys, int[][] targets, int state, char c) {
        int i = Arrays.binarySearch(keys[state], c);
        return i < 0 ? -1 : targets[state][i];
    }

    /** The indexes of the patterns that may be found in {@code text}: every other pattern cannot be. */
    BitSet candidates(String text) {
        BitSet out = (BitSet) always.clone();
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = foldCase ? lowerAscii(text.charAt(i)) : text.charAt(i);
            int next = step(keys, targets, state, c);
            while (next < 0 && state != 0) {
                state = fail[state];
                next = step(keys, targets, state, c);
            }
            state = next < 0 ? 0 : next;
            for (int p : found[state]) {
                out.set(p);
            }
        }
        return out;
    }
}
