package io.flowsim.testkit;

import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Reporter} that keeps every message and progress event, for assertions. Thread-safe (a
 * backend may report from worker threads, a profiler from a shutdown hook); the accessors return
 * snapshots.
 */
public final class RecordingReporter implements Reporter {

    private final List<String> infos = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> debugs = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();
    private final List<String> updates = new ArrayList<>();
    private final List<String> progressLabels = new ArrayList<>();
    private final List<Long> progressTotals = new ArrayList<>();

    @Override
    public synchronized void info(String message) {
        infos.add(message);
    }

    @Override
    public synchronized void warn(String message) {
        warnings.add(message);
    }

    @Override
    public synchronized void debug(String message) {
        debugs.add(message);
    }

    @Override
    public synchronized Progress startProgress(String label, long total, String unit) {
        progress.add("start " + label);
        progressLabels.add(label);
        progressTotals.add(total);
        return new Progress() {
            @Override
            public void advance(long delta) {
                synchronized (RecordingReporter.this) {
                    progress.add(label + ": +" + delta + " " + unit);
                }
            }

            @Override
            public void update(long done, String status) {
                synchronized (RecordingReporter.this) {
                    progress.add(label + ": " + done + " " + unit + " " + status);
                    updates.add(done + "|" + status);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /** Every info message, in order. */
    public synchronized List<String> infos() {
        return List.copyOf(infos);
    }

    /** Every warning, in order. */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Every debug message, in order. */
    public synchronized List<String> debugs() {
        return List.copyOf(debugs);
    }

    /**
     * Every progress event, in order: {@code start <label>}, {@code <label>: +<delta> <unit>} and
     * {@code <label>: <done> <unit> <status>}.
     */
    public synchronized List<String> progress() {
        return List.copyOf(progress);
    }

    /** Every {@link Progress#update} as {@code <done>|<status>}, in order. */
    public synchronized List<String> updates() {
        return List.copyOf(updates);
    }

    /** The label of every progress started, in order. */
    public synchronized List<String> progressLabels() {
        return List.copyOf(progressLabels);
    }

    /** The total of every progress started, in order. */
    public synchronized List<Long> progressTotals() {
        return List.copyOf(progressTotals);
    }
}
