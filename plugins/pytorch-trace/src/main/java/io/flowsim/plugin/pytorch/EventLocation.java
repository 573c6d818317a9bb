package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonLocation;

/**
 * Where something sits in a trace file, for error messages: the index of the event in
 * {@code traceEvents} (or -1) and its position in the JSON text (byte offset of the decompressed
 * text, line and column).
 */
record EventLocation(long eventIndex, long offset, int line, int column) {

    static final EventLocation UNKNOWN = new EventLocation(-1, -1, -1, -1);

    static EventLocation of(long eventIndex, JsonLocation location) {
        if (location == null) {
            return new EventLocation(eventIndex, -1, -1, -1);
        }
        long offset = location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
        return new EventLocation(eventIndex, offset, location.getLineNr(), location.getColumnNr());
    }

    /** {@code "event #12 (JSON byte 345, line 1, column 346)"}, leaving out what is unknown. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        if (eventIndex >= 0) {
            sb.append("event #").append(eventIndex);
        }
        String position = position();
        if (!position.isEmpty()) {
            sb.append(sb.length() > 0 ? " (" + position + ")" : position);
        }
        return sb.toString();
    }

    /** {@code "JSON byte 345, line 1, column 346"}, or empty when unknown. */
    String position() {
        StringBuilder sb = new StringBuilder();
        if (offset >= 0) {
            sb.append("JSON byte ").append(offset);
        }
        if (line > 0) {
            sb.append(sb.length() > 0 ? ", " : "").append("line ").append(line);
            if (column > 0) {
                sb.append(", column ").append(column);
            }
        }
        return sb.toString();
    }
}
