package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A kernel record plus what it does.
 *
 * @param kernel      the record from the trace
 * @param family      the operation family
 * @param opMapping   the short operation name ({@code matmul}, {@code attention}, {@code all_reduce});
 *                    empty when unresolved
 * @param operation   a human-readable formula ({@code out = mat1 @ mat2}); may be empty
 * @param sourceCode  the operator schema or a source link; may be empty
 * @param parameters  documentation of the launching operator's inputs, in input order
 * @param operands    the kernel's operands with roles, shapes and normalized types, for simulators
 * @param resolution  where this knowledge came from
 * @param attributes  further facts for simulators, as strings (e.g. {@code gemm.scaling=block128});
 *                    keys are documented by the resolver that writes them
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record ResolvedKernel(KernelRecord kernel, OperationFamily family, String opMapping, String operation,
                             String sourceCode, List<Parameter> parameters, List<Operand> operands,
                             Resolution resolution, Map<String, String> attributes) {
    public ResolvedKernel {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(opMapping, "opMapping");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(sourceCode, "sourceCode");
        parameters = List.copyOf(Objects.requireNonNull(parameters, "parameters"));
        operands = List.copyOf(Objects.requireNonNull(operands, "operands"));
        Objects.requireNonNull(resolution, "resolution");
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    }

    /**
     * A kernel nothing resolved: its family comes from its kind and category alone (memcpy is
     * {@code copy}, memset is {@code memset}, communication is {@code collective}, else {@code other}).
     */
    public static ResolvedKernel unresolved(KernelRecord kernel) {
        OperationFamily family = switch (kernel.kind()) {
            case MEMCPY -> OperationFamily.COPY;
            case MEMSET -> OperationFamily.MEMSET;
            case KERNEL -> kernel.category() == KernelCategory.COMMUNICATION
                    ? OperationFamily.COLLECTIVE : OperationFamily.OTHER;
        };
        return new ResolvedKernel(kernel, family, "", "", "", List.of(), List.of(), Resolution.unresolved(), Map.of());
    }

    /** Whether the kernel was resolved through a database (not a heuristic, not unresolved). */
    public boolean resolvedByDatabase() {
        return resolution.source().isDatabase();
    }
}
