package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a simulator needs to predict one kernel's duration. Deliberately free of timing, identity
 * and call-site fields, so that identical kernels give equal requests: the runtime de-duplicates
 * with {@link #equals(Object)} before it calls a backend.
 *
 * @param kernelName the kernel name
 * @param kind       kernel, memcpy or memset
 * @param category   compute, memory or communication
 * @param family     the operation family
 * @param opMapping  the short operation name ({@code matmul}); may be empty
 * @param operands   the operands with roles, shapes and types
 * @param launch     the launch configuration, when known
 * @param collective collective arguments, when present
 * @param transfer   memcpy/memset bytes, when present
 * @param attributes the resolver's attributes for simulators
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record SimulationRequest(String kernelName, KernelKind kind, KernelCategory category, OperationFamily family,
                                String opMapping, List<Operand> operands, Optional<LaunchConfig> launch,
                                Optional<CollectiveInfo> collective, Optional<MemoryTransfer> transfer,
                                Map<String, String> attributes) {
    public SimulationRequest {
        Objects.requireNonNull(kernelName, "kernelName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(opMapping, "opMapping");
        operands = List.copyOf(Objects.requireNonNull(operands, "operands"));
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(collective, "collective");
        Objects.requireNonNull(transfer, "transfer");
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    }

    /** The request for a resolved kernel. */
    public static SimulationRequest of(ResolvedKernel k) {
        KernelRecord r = k.kernel();
        return new SimulationRequest(r.name(), r.kind(), r.category(), k.family(), k.opMapping(), k.operands(),
                r.launch(), r.collective(), r.transfer(), k.attributes());
    }

    /** The first operand with the given role name. */
    public Optional<Operand> operand(String name) {
        return operands.stream().filter(o -> o.name().equals(name)).findFirst();
    }
}
