package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

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

    /**
     * The record's usual text, with the attributes in key order. {@link Map#copyOf} iterates in an order
     * that changes from one JVM run to the next, and this text is a key that must not (validate's per-kernel
     * keys of a trace, which also decide a kernel's side of the held-out split).
     */
    @Override
    public String toString() {
        return "SimulationRequest[kernelName=" + kernelName + ", kind=" + kind + ", category=" + category
                + ", family=" + family + ", opMapping=" + opMapping + ", operands=" + operands + ", launch=" + launch
                + ", collective=" + collective + ", transfer=" + transfer + ", attributes=" + new TreeMap<>(attributes)
                + "]";
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

    /** A typed attribute ({@link Attributes}); empty when absent or not of the key's type. */
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        return key.from(attributes);
    }

    /**
     * A builder: a compute kernel ({@link KernelKind#KERNEL}, {@link KernelCategory#COMPUTE}) of family
     * {@link OperationFamily#OTHER} with no operands until told otherwise.
     *
     * <pre>{@code
     * SimulationRequest gemm = SimulationRequest.builder("nvjet_tst_128x64")
     *         .family(OperationFamily.GEMM).opMapping("matmul")
     *         .input(OperandRoles.A, DataType.BF16, 64, 4096).input(OperandRoles.B, DataType.BF16, 4096, 4096)
     *         .output(OperandRoles.C, DataType.BF16, 64, 4096)
     *         .attribute(Attributes.GEMM_SCALING, "none").build();
     * }</pre>
     */
    public static Builder builder(String kernelName) {
        return new Builder(kernelName);
    }

    /** Builds {@link SimulationRequest}s following docs/operand-conventions.md. Not thread-safe. */
    public static final class Builder {
        private final String kernelName;
        private KernelKind kind = KernelKind.KERNEL;
        private KernelCategory category = KernelCategory.COMPUTE;
        private OperationFamily family = OperationFamily.OTHER;
        private String opMapping = "";
        private final List<Operand> operands = new ArrayList<>();
        private LaunchConfig launch;
        private CollectiveInfo collective;
        private MemoryTransfer transfer;
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder(String kernelName) {
            this.kernelName = Objects.requireNonNull(kernelName, "kernelName");
        }

        /** Kernel, memcpy or memset. */
        public Builder kind(KernelKind value) {
            this.kind = Objects.requireNonNull(value, "kind");
            return this;
        }

        /** Compute, memory or communication. */
        public Builder category(KernelCategory value) {
            this.category = Objects.requireNonNull(value, "category");
            return this;
        }

        /** The operation family. */
        public Builder family(OperationFamily value) {
            this.family = Objects.requireNonNull(value, "family");
            return this;
        }

        /** The short operation name ({@code matmul}). */
        public Builder opMapping(String value) {
            this.opMapping = Objects.requireNonNull(value, "opMapping");
            return this;
        }

        /** Adds an operand. */
        public Builder operand(Operand value) {
            operands.add(Objects.requireNonNull(value, "operand"));
            return this;
        }

        /** Adds operands. */
        public Builder operands(List<Operand> values) {
            values.forEach(this::operand);
            return this;
        }

        /** Adds an operand that is read. */
        public Builder input(String role, DataType type, long... shape) {
            return operand(new Operand(role, Direction.INPUT, boxed(shape), type, ""));
        }

        /** Adds an operand that is written. */
        public Builder output(String role, DataType type, long... shape) {
            return operand(new Operand(role, Direction.OUTPUT, boxed(shape), type, ""));
        }

        /** Adds an operand read and written in place. */
        public Builder inOut(String role, DataType type, long... shape) {
            return operand(new Operand(role, Direction.INPUT_OUTPUT, boxed(shape), type, ""));
        }

        /** Sets a typed attribute (see {@link Attributes}); a null value leaves it out. */
        public <T> Builder attribute(AttributeKey<T> key, T value) {
            if (value != null) {
                attributes.put(key.name(), key.format(value));
            }
            return this;
        }

        /** Sets an attribute by name (for attributes outside {@link Attributes}); a null value leaves it out. */
        public Builder attribute(String name, String value) {
            if (value != null) {
                attributes.put(Objects.requireNonNull(name, "name"), value);
            }
            return this;
        }

        /** Sets every attribute of a map. */
        public Builder attributes(Map<String, String> values) {
            attributes.putAll(values);
            return this;
        }

        /** The launch configuration. */
        public Builder launch(LaunchConfig value) {
            this.launch = value;
            return this;
        }

        /** Collective arguments; also makes the request a communication kernel of family collective. */
        public Builder collective(CollectiveInfo value) {
            this.collective = value;
            this.category = KernelCategory.COMMUNICATION;
            this.family = OperationFamily.COLLECTIVE;
            return this;
        }

        /** Memcpy or memset bytes. */
        public Builder transfer(MemoryTransfer value) {
            this.transfer = value;
            return this;
        }

        /** The request. */
        public SimulationRequest build() {
            return new SimulationRequest(kernelName, kind, category, family, opMapping, operands,
                    Optional.ofNullable(launch), Optional.ofNullable(collective), Optional.ofNullable(transfer),
                    attributes);
        }

        private static List<Long> boxed(long... shape) {
            List<Long> list = new ArrayList<>(shape.length);
            for (long s : shape) {
                list.add(s);
            }
            return list;
        }
    }
}
