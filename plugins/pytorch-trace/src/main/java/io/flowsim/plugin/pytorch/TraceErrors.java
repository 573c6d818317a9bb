package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.FlowsimException;

/** The plugin's bad-input messages, all in one form: file, where, what, and what to do. */
final class TraceErrors {

    private TraceErrors() {
    }

    /** A malformed event: {@code "t.json.gz: event #12 (JSON byte 345, line 1) kernel 'foo': args.grid must ..."}. */
    static FlowsimException badEvent(String file, EventLocation location, String event, String problem) {
        StringBuilder sb = new StringBuilder(file).append(": ");
        String where = location.describe();
        boolean hasEvent = event != null && !event.isEmpty();
        if (!where.isEmpty()) {
            sb.append(where).append(hasEvent ? " " : ": ");
        }
        if (hasEvent) {
            sb.append(event).append(": ");
        }
        sb.append(problem).append(" (not a valid PyTorch-profiler trace)");
        return FlowsimException.badInput(sb.toString());
    }

    /** What a JSON token is, for messages: "an array", "a string", "a number", ... */
    static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the input";
        }
        return switch (t) {
            case START_OBJECT, END_OBJECT -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case FIELD_NAME -> "a field name";
            default -> t.name();
        };
    }
}
