package io.flowsim.plugin.kernels;

import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Parameter;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One validated entry of a kernels.json database. Empty strings stand for absent text fields.
 *
 * @param reference       where the entry comes from, for humans: {@code kernels.json#12}
 * @param kernelName      the exact kernel name it matches, or empty
 * @param namePattern     a regular expression searched in the kernel name, if any
 * @param implementation  the launching operator (or call-stack frame after the launch API) it
 *                        matches, or empty
 * @param operatorPattern a regular expression searched in the launching operator's name, if any
 * @param family          the operation family, when the entry states it
 * @param opMapping       the short operation name
 * @param operation       the formula
 * @param sourceCode      the operator schema or a source link
 * @param params          the documentation of the operator's inputs
 * @param operands        how operands come from the operator's inputs
 * @param attributes      attributes for simulators; values may reference concrete inputs
 * @param preferOperator  whether the launching operator's entry, when compatible, takes precedence
 *                        over this one for everything but the match itself
 */
record KernelEntry(String reference, String kernelName, Optional<Pattern> namePattern, String implementation,
                   Optional<Pattern> operatorPattern, Optional<OperationFamily> family, String opMapping,
                   String operation, String sourceCode, List<Parameter> params, List<OperandSpec> operands,
                   Map<String, String> attributes, boolean preferOperator) {

    KernelEntry {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(kernelName, "kernelName");
        Objects.requireNonNull(namePattern, "namePattern");
        Objects.requireNonNull(implementation, "implementation");
        Objects.requireNonNull(operatorPattern, "operatorPattern");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(opMapping, "opMapping");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(sourceCode, "sourceCode");
        params = List.copyOf(params);
        operands = List.copyOf(operands);
        attributes = Map.copyOf(attributes);
    }

    /** Whether the entry matches kernels by their own name (exact or pattern). */
    boolean matchesKernelNames() {
        return !kernelName.isEmpty() || namePattern.isPresent();
    }

    /** Whether the entry matches launching operators (by name or pattern). */
    boolean matchesOperators() {
        return !implementation.isEmpty() || operatorPattern.isPresent();
    }
}
