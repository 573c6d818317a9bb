package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * Where a resolved kernel's knowledge came from.
 *
 * @param source    the rule that matched
 * @param resolver  the name of the resolver extension (empty when unresolved)
 * @param reference what matched, for humans: {@code kernels.json#42}, a pattern, an operator name
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Resolution(ResolutionSource source, String resolver, String reference) {
    public Resolution {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(reference, "reference");
    }

    /** The resolution of a kernel nothing knew. */
    public static Resolution unresolved() {
        return new Resolution(ResolutionSource.UNRESOLVED, "", "");
    }
}
