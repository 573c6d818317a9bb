package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * The documentation of one input of the launching operator, from a kernel database
 * ({@code kernels.json} {@code params[]}): what the original FlowSim writes in its
 * {@code Input/Output} and {@code Descriptions} columns.
 *
 * @param role        the role as written in the database ({@code input}, {@code output},
 *                    {@code input/output}, {@code N/A}, {@code unknown})
 * @param description what the parameter is ({@code mat1}, {@code self})
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Parameter(String role, String description) {
    public Parameter {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(description, "description");
    }
}
