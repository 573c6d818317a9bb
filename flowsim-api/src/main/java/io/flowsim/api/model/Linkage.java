package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;

/**
 * How a kernel was tied to the CPU side of the trace, so users and tests can see which rule
 * produced each link and why a kernel stayed unlinked.
 *
 * @param launchApi    the launching runtime/driver call ({@code cudaLaunchKernel},
 *                     {@code cuLaunchKernelEx}, {@code cudaGraphLaunch}, ...), if found
 * @param launchLink   how the launch call was found
 * @param operatorLink how the operator was found
 * @param problem      why a link is missing or doubtful, if it is
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Linkage(Optional<String> launchApi, LaunchLink launchLink, OperatorLink operatorLink,
                      Optional<String> problem) {
    public Linkage {
        Objects.requireNonNull(launchApi, "launchApi");
        Objects.requireNonNull(launchLink, "launchLink");
        Objects.requireNonNull(operatorLink, "operatorLink");
        Objects.requireNonNull(problem, "problem");
    }

    /** A kernel with no known CPU side. */
    public static Linkage unlinked(String problem) {
        return new Linkage(Optional.empty(), LaunchLink.NONE, OperatorLink.NONE, Optional.of(problem));
    }

    /** How a GPU activity was tied to its launching runtime or driver call. */
    public enum LaunchLink {
        /** By CUPTI correlation id (the reliable rule). */
        CORRELATION,
        /** By an {@code ac2g} flow event. */
        FLOW,
        /** No launch call found. */
        NONE
    }

    /** How a launch call was tied to its CPU operator. */
    public enum OperatorLink {
        /** By a validated {@code External id} (new-dialect traces). */
        EXTERNAL_ID,
        /** By time nesting on the launching thread (old-dialect traces, or as a fallback). */
        NESTING,
        /** By a shape-carrying annotation (sglang labels for kernels launched outside operators). */
        ANNOTATION,
        /** No operator found. */
        NONE
    }
}
