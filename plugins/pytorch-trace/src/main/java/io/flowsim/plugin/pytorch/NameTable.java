package io.flowsim.plugin.pytorch;

import java.util.Arrays;

/**
 * Interns event names: kernel and frame names repeat thousands of times in a trace. Names are
 * looked up straight from the parser's character buffer, so a repeated name costs a hash and a
 * comparison, not a new string.
 */
final class NameTable {

    private String[] names = new String[1024];
    private char[][] chars = new char[1024][];
    private int[] hashes = new int[1024];
    private int size;
    /** Open addressing: slot -> name id + 1, 0 = empty. */
    private int[] slots = new int[2048];

    int id(String name) {
        return id(name.toCharArray(), 0, name.length());
    }

    int id(char[] chars, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + chars[i];
        }
        int mask = slots.length - 1;
        int slot = mix(h) & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == 0) {
                break;
            }
            int id = entry - 1;
            if (hashes[id] == h && Arrays.equals(this.chars[id], 0, this.chars[id].length, chars, offset, offset + length)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        int id = size++;
        if (id == names.length) {
            names = Arrays.copyOf(names, id * 2);
            hashes = Arrays.copyOf(hashes, id * 2);
            this.chars = Arrays.copyOf(this.chars, id * 2);
        }
        this.chars[id] = Arrays.copyOfRange(chars, offset, offset + length);
        names[id] = withoutLoneSurrogates(new String(this.chars[id]));
        hashes[id] = h;
        slots[slot] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private void rehash() {
        int[] bigger = new int[slots.length * 2];
        int mask = bigger.length - 1;
        for (int id = 0; id < size; id++) {
            int slot = mix(hashes[id]) & mask;
            while (bigger[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            bigger[slot] = id + 1;
        }
        slots = bigger;
    }

    /**
     * A name with every unpaired UTF-16 surrogate (a JSON {@code \\ud800} escape without its partner)
     * replaced by U+FFFD: such a string cannot be encoded as UTF-8, so no output could be written.
     */
    static String withoutLoneSurrogates(String s) {
        StringBuilder fixed = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (lone && fixed == null) {
                fixed = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (fixed != null) {
                fixed.append(lone ? '\uFFFD' : c);
            }
        }
        return fixed == null ? s : fixed.toString();
    }

    String name(int id) {
        return names[id];
    }

    int size() {
        return size;
    }
}
