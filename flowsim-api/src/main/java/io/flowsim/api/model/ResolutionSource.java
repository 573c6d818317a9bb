package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * How a kernel's operation was determined, from most to least specific.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum ResolutionSource {
    /** A database entry with exactly this kernel name. */
    EXACT_NAME,
    /** A database entry whose name pattern matches the kernel name. */
    NAME_PATTERN,
    /** A database entry for the launching operator. */
    OPERATOR,
    /** Built-in rules by name and category; a guess, marked as such. */
    HEURISTIC,
    /** Nothing knew this kernel. */
    UNRESOLVED;

    /** Whether the knowledge came from a database (not a heuristic, not unresolved). */
    public boolean isDatabase() {
        return this == EXACT_NAME || this == NAME_PATTERN || this == OPERATOR;
    }
}
