package io.flowsim.runtime.cli;

import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;
import io.flowsim.runtime.pipeline.PrintableText;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Writes messages and progress to standard error. On a terminal, progress is a bar redrawn in
 * place at most ten times a second; otherwise (logs, pipes, CI) long work prints a line every ten
 * seconds and a final line. {@code quiet} silences info and progress; warnings always show.
 */
final class ConsoleReporter implements Reporter {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final long MIN_REPORTED_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final boolean quiet;
    private final boolean verbose;
    private final boolean interactive;
    private final Object lock = new Object();
    private boolean lineOpen;

    ConsoleReporter(PrintStream err, boolean quiet, boolean verbose, boolean interactive) {
        this.err = err;
        this.quiet = quiet;
        this.verbose = verbose;
        this.interactive = interactive;
    }

    @Override
    public void info(String message) {
        if (!quiet) {
            println(message);
        }
    }

    @Override
    public void warn(String message) {
        println("warning: " + message);
    }

    @Override
    public void debug(String message) {
        if (verbose) {
            println("debug: " + message);
        }
    }

    private void println(String message) {
        synchronized (lock) {
            clearLine();
            err.println(PrintableText.of(message));
            err.flush();
        }
    }

    private void clearLine() {
        if (lineOpen) {
            err.print("\r\033[2K");
            lineOpen = false;
        }
    }

    @Override
    public Progress startProgress(String label, long total, String unit) {
        if (quiet) {
            return Progress.none();
        }
        // a label may name a trace file ("reading NAME"): escaped as messages are
        return new ConsoleProgress(PrintableText.of(label), total, PrintableText.of(unit));
    }

    private final class ConsoleProgress implements Progress {
        private final String label;
        private final long total;
        private final String unit;
        private final long startNanos = System.nanoTime();
        private long done;
        private String status = "";
        private long lastDraw;
        private long lastLog = startNanos;
        private boolean closed;

        ConsoleProgress(String label, long total, String unit) {
            this.label = label;
            this.total = total;
            this.unit = unit;
        }

        @Override
        public void advance(long delta) {
            synchronized (lock) {
                done += delta;
                maybeDraw();
            }
        }

        @Override
        public void update(long doneNow, String statusNow) {
            synchronized (lock) {
                done = doneNow;
                status = statusNow == null ? "" : PrintableText.of(statusNow);
                maybeDraw();
            }
        }

        private void maybeDraw() {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            if (interactive) {
                if (now - lastDraw >= REDRAW_NANOS) {
                    lastDraw = now;
                    err.print("\r\033[2K" + render(now));
                    err.flush();
                    lineOpen = true;
                }
            } else if (now - lastLog >= LOG_INTERVAL_NANOS) {
                lastLog = now;
                err.println(render(now));
                err.flush();
            }
        }

        private String render(long now) {
            StringBuilder sb = new StringBuilder(label).append(": ");
            if (total > 0) {
                double fraction = Math.min(1.0, (double) done / total);
                int width = 24;
                int filled = (int) Math.round(fraction * width);
                sb.append('[').append("=".repeat(filled)).append(" ".repeat(width - filled)).append("] ")
                        .append(String.format(Locale.ROOT, "%3.0f%% ", fraction * 100))
                        .append(String.format(Locale.ROOT, "%,d/%,d %s", done, total, unit));
                long elapsed = now - startNanos;
                if (done > 0 && done < total && elapsed > 1_000_000_000L) {
                    long etaNanos = (long) (elapsed * (double) (total - done) / done);
                    sb.append("  ETA ").append(format(Duration.ofNanos(etaNanos)));
                }
            } else {
                sb.append(String.format(Locale.ROOT, "%,d %s", done, unit));
            }
            if (!status.isEmpty()) {
                sb.append("  ").append(status);
            }
            return sb.toString();
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                long elapsed = System.nanoTime() - startNanos;
                clearLine();
                if (elapsed >= MIN_REPORTED_NANOS) {
                    err.println(String.format(Locale.ROOT, "%s: %,d %s in %s%s", label, done, unit,
                            format(Duration.ofNanos(elapsed)), status.isEmpty() ? "" : " (" + status + ")"));
                    err.flush();
                }
            }
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
