package io.flowsim.plugin.pytorch;

import io.flowsim.api.FlowsimException;

/** The plugin's bad-input messages, all in one form: file, where, what, and what to do. */
final class TraceErrors {

    private TraceErrors() {
    }

    /** A malformed event: {@code "t.json.gz: event #12 (JSON byte 345, line 1) kernel 'foo': args.grid must ..."}. */
    static FlowsimException badEvent(String file, EventLocation location, String event, String problem) {
        StringBuilder sb = new StringBuilder(file).append(": ");
        String where = location.describe();
        if (!where.isEmpty()) {
            sb.append(where).append(' ');
        }
        if (event != null && !event.isEmpty()) {
            sb.append(event).append(": ");
        }
        sb.append(problem).append(" (not a valid PyTorch-profiler trace)");
        return FlowsimException.badInput(sb.toString());
    }
}
