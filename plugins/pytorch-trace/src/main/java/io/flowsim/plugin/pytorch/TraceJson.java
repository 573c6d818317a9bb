package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * The plugin's one pre-configured JSON factory. Traces are read with its streaming parser only,
 * one event at a time, never as a tree.
 *
 * <p>The constraints are explicit: a trace may be many GB long (no document limit) but no single
 * string (a demangled kernel name, a shape label, a python frame) is allowed to exceed 64 MB, no
 * number 1,000 digits, and no structure 256 levels. The read features are liberal where old
 * Kineto versions were sloppy: raw control characters inside names, {@code NaN}/{@code Infinity},
 * trailing commas.
 */
final class TraceJson {

    static final int MAX_NESTING_DEPTH = 256;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(64 << 20)
                    .maxNameLength(1 << 20)
                    .maxNumberLength(1000)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxDocumentLength(-1)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    private TraceJson() {
    }
}
