package io.flowsim.plugin.llmcompass;

import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A reporter that keeps every message and progress update, for assertions. */
final class RecordingReporter implements Reporter {

    final List<String> infos = Collections.synchronizedList(new ArrayList<>());
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final List<String> updates = Collections.synchronizedList(new ArrayList<>());
    final List<String> progressLabels = Collections.synchronizedList(new ArrayList<>());
    final List<Long> progressTotals = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void info(String message) {
        infos.add(message);
    }

    @Override
    public void warn(String message) {
        warnings.add(message);
    }

    @Override
    public void debug(String message) {
    }

    @Override
    public Progress startProgress(String label, long total, String unit) {
        progressLabels.add(label);
        progressTotals.add(total);
        return new Progress() {
            @Override
            public void advance(long delta) {
            }

            @Override
            public void update(long done, String status) {
                updates.add(done + "|" + status);
            }

            @Override
            public void close() {
            }
        };
    }
}
