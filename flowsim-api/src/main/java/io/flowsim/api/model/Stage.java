package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Locale;

/**
 * The serving stage a kernel belongs to. Prefill (sglang calls it EXTEND) processes prompt tokens;
 * decode produces one token per sequence and step; everything FlowSim cannot place is {@link #OTHER}.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public enum Stage {
    /** Prompt processing (sglang's EXTEND). */
    PREFILL,
    /** Token generation. */
    DECODE,
    /** Not known to be either (training steps, warm-up, kernels outside any annotated range). */
    OTHER;

    /** The lower-case name used in files and on the command line ({@code prefill}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage with the given {@link #id()}, case-insensitively; {@code extend} is prefill. */
    public static Stage fromId(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "prefill", "extend" -> PREFILL;
            case "decode" -> DECODE;
            case "other" -> OTHER;
            default -> throw new IllegalArgumentException("unknown stage '" + id + "'");
        };
    }
}
