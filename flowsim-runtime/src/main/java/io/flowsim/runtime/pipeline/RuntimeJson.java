package io.flowsim.runtime.pipeline;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The runtime's one JSON mapper, for the commands that read JSON documents or build them as trees
 * ({@code compare}, {@code validate}). It is built on first use: {@code parse} and {@code simulate}
 * write {@code run.json} with the streaming generator ({@link RunJson}) and never pay for it.
 */
public final class RuntimeJson {

    /** Indented output; BigDecimals never in exponent form. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private RuntimeJson() {
    }
}
