package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The plugin's one pre-configured JSON mapper. */
final class Json {

    /**
     * Compact output (request bodies, hashing) and tolerant input: the server's answers carry fields
     * that changed between versions of the fork ({@code payload} became {@code user_submitted_request}).
     */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static {
        // A server answer is small; bound what a broken or hostile server can make us buffer.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(1 << 20)
                .maxNestingDepth(64)
                .build());
    }

    private Json() {
    }
}
