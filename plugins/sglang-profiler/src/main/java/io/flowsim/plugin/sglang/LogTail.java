package io.flowsim.plugin.sglang;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the end of a log file that a child process is still writing: the last lines for an error
 * message, or the last status line for progress. Progress bars (tqdm) redraw with carriage returns,
 * so both {@code \n} and {@code \r} end a line here. Never throws; an unreadable log reads as empty.
 */
final class LogTail {

    private static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_LINE = 300;

    private LogTail() {
    }

    /** The last {@code count} non-blank lines of {@code file}, oldest first, each shortened. */
    static List<String> lastLines(Path file, int count) {
        return lastLines(file, 0, count);
    }

    /** Like {@link #lastLines(Path, int)}, ignoring the first {@code from} bytes of the file. */
    static List<String> lastLines(Path file, long from, int count) {
        String text = readEnd(file, from);
        String[] parts = text.split("[\r\n]+");
        List<String> lines = new ArrayList<>();
        for (int i = parts.length - 1; i >= 0 && lines.size() < count; i--) {
            String line = parts[i].strip();
            if (!line.isEmpty()) {
                lines.add(0, shorten(line));
            }
        }
        return lines;
    }

    /** The last non-blank line of {@code file} after byte {@code from}, or an empty string. */
    static String lastLine(Path file, long from) {
        List<String> last = lastLines(file, from, 1);
        return last.isEmpty() ? "" : last.get(0);
    }

    /** The last lines joined by " | ", for a one-line error message; "(no output)" if there are none. */
    static String summary(Path file, int count) {
        return summary(file, 0, count);
    }

    /** Like {@link #summary(Path, int)}, ignoring the first {@code from} bytes of the file. */
    static String summary(Path file, long from, int count) {
        List<String> lines = lastLines(file, from, count);
        return lines.isEmpty() ? "(no output)" : String.join(" | ", lines);
    }

    private static String shorten(String line) {
        return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + "...";
    }

    private static String readEnd(Path file, long from) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int n = (int) Math.max(0, Math.min(length - from, MAX_BYTES));
            byte[] bytes = new byte[n];
            raf.seek(length - n);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
