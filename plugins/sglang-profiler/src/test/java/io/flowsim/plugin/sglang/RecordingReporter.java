package io.flowsim.plugin.sglang;

import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;

import java.util.ArrayList;
import java.util.List;

/** A reporter that keeps every message, for assertions; thread-safe (the shutdown hook reports too). */
final class RecordingReporter implements Reporter {

    private final List<String> infos = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    @Override
    public synchronized void info(String message) {
        infos.add(message);
    }

    @Override
    public synchronized void warn(String message) {
        warnings.add(message);
    }

    @Override
    public void debug(String message) {
    }

    @Override
    public synchronized Progress startProgress(String label, long total, String unit) {
        progress.add("start " + label);
        return new Progress() {
            @Override
            public void advance(long delta) {
            }

            @Override
            public void update(long done, String status) {
                synchronized (RecordingReporter.this) {
                    progress.add(label + ": " + done + " " + unit + " " + status);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    synchronized List<String> infos() {
        return List.copyOf(infos);
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    synchronized List<String> progress() {
        return List.copyOf(progress);
    }
}
