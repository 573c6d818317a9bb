package io.flowsim.runtime.cli;

import io.flowsim.runtime.pipeline.PrintableText;

import java.io.PrintStream;
import java.util.List;

/**
 * Left-aligned plain-text columns; the last column is not padded. A cell's control characters are escaped
 * ({@link PrintableText}): a kernel's or a trace's name never breaks a row.
 */
final class TextTable {

    private TextTable() {
    }

    static void print(PrintStream out, List<String[]> rows) {
        print(out, rows, new boolean[0]);
    }

    /** Prints rows; columns flagged in {@code rightAligned} are right-aligned. */
    static void print(PrintStream out, List<String[]> rows, boolean[] rightAligned) {
        rows = rows.stream().map(r -> java.util.Arrays.stream(r).map(PrintableText::of).toArray(String[]::new))
                .toList();
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean right = i < rightAligned.length && rightAligned[i];
                boolean last = i == r.length - 1;
                String cell = r[i];
                if (right) {
                    sb.append(" ".repeat(widths[i] - cell.length())).append(cell);
                } else {
                    sb.append(cell);
                    if (!last) {
                        sb.append(" ".repeat(widths[i] - cell.length()));
                    }
                }
                if (!last) {
                    sb.append("  ");
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
