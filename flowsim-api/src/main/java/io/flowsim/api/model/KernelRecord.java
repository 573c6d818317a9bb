package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One GPU activity of a trace (a kernel, memcpy or memset) with everything the trace says about
 * it and about the CPU side that launched it.
 *
 * @param index        position in the order the source emitted the record (0-based, stable)
 * @param name         the kernel name exactly as in the trace (demangled)
 * @param kind         kernel, memcpy or memset
 * @param category     compute, memory or communication
 * @param startNs      start time in nanoseconds since the Unix epoch when the trace says so, else in
 *                     the trace's own time base; exact (never rounded through a double)
 * @param durationNs   duration in nanoseconds, at least 0
 * @param device       the GPU index ({@code -1} when unknown)
 * @param stream       the CUDA stream ({@code -1} when unknown)
 * @param correlationId the CUPTI correlation id, if recorded
 * @param launch       grid, block, registers and shared memory, for kernels
 * @param operator     the launching operator (or shape annotation) with its inputs, if linked
 * @param callStack    the CPU call stack, innermost first, starting with the launch call
 *                     ({@code cudaLaunchKernel}, {@code aten::mm}, ..., Python frames); empty if unknown
 * @param collective   collective-communication arguments, for NCCL kernels that have them
 * @param transfer     bytes and direction, for memcpy and memset
 * @param linkage      how the CPU side was found, and why not when it was not
 * @param attributes   further facts as strings (e.g. {@code graph.id}, {@code stage}); never null
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record KernelRecord(long index, String name, KernelKind kind, KernelCategory category,
                           long startNs, long durationNs, int device, long stream,
                           OptionalLong correlationId, Optional<LaunchConfig> launch,
                           Optional<OperatorCall> operator, List<String> callStack,
                           Optional<CollectiveInfo> collective, Optional<MemoryTransfer> transfer,
                           Linkage linkage, Map<String, String> attributes) {

    /** The separator of {@link #callStackString()}, as the original FlowSim writes it. */
    public static final String CALL_STACK_SEPARATOR = " <- ";

    public KernelRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(operator, "operator");
        callStack = List.copyOf(Objects.requireNonNull(callStack, "callStack"));
        Objects.requireNonNull(collective, "collective");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(linkage, "linkage");
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        if (durationNs < 0) {
            throw new IllegalArgumentException("negative duration for kernel " + name + ": " + durationNs);
        }
    }

    /** End time in nanoseconds: {@code startNs + durationNs}. */
    public long endNs() {
        return startNs + durationNs;
    }

    /** The call stack in the original FlowSim's format: frames joined by {@code " <- "}. */
    public String callStackString() {
        return String.join(CALL_STACK_SEPARATOR, callStack);
    }

    /** A builder for a kernel record with the given index and name. */
    public static Builder builder(long index, String name) {
        return new Builder(index, name);
    }

    /** A builder initialized from this record. */
    public Builder toBuilder() {
        Builder b = new Builder(index, name).kind(kind).category(category).start(startNs).duration(durationNs)
                .device(device).stream(stream).linkage(linkage).callStack(callStack);
        correlationId.ifPresent(b::correlationId);
        launch.ifPresent(b::launch);
        operator.ifPresent(b::operator);
        collective.ifPresent(b::collective);
        transfer.ifPresent(b::transfer);
        attributes.forEach(b::attribute);
        return b;
    }

    /** Builds {@link KernelRecord}s. Not thread-safe. */
    public static final class Builder {
        private final long index;
        private final String name;
        private KernelKind kind = KernelKind.KERNEL;
        private KernelCategory category = KernelCategory.COMPUTE;
        private long startNs;
        private long durationNs;
        private int device = -1;
        private long stream = -1;
        private OptionalLong correlationId = OptionalLong.empty();
        private Optional<LaunchConfig> launch = Optional.empty();
        private Optional<OperatorCall> operator = Optional.empty();
        private List<String> callStack = List.of();
        private Optional<CollectiveInfo> collective = Optional.empty();
        private Optional<MemoryTransfer> transfer = Optional.empty();
        private Linkage linkage = Linkage.unlinked("not linked");
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder(long index, String name) {
            this.index = index;
            this.name = name;
        }

        public Builder kind(KernelKind value) {
            this.kind = value;
            return this;
        }

        public Builder category(KernelCategory value) {
            this.category = value;
            return this;
        }

        public Builder start(long valueNs) {
            this.startNs = valueNs;
            return this;
        }

        public Builder duration(long valueNs) {
            this.durationNs = valueNs;
            return this;
        }

        public Builder device(int value) {
            this.device = value;
            return this;
        }

        public Builder stream(long value) {
            this.stream = value;
            return this;
        }

        public Builder correlationId(long value) {
            this.correlationId = OptionalLong.of(value);
            return this;
        }

        public Builder launch(LaunchConfig value) {
            this.launch = Optional.of(value);
            return this;
        }

        public Builder operator(OperatorCall value) {
            this.operator = Optional.of(value);
            return this;
        }

        public Builder callStack(List<String> value) {
            this.callStack = value;
            return this;
        }

        public Builder collective(CollectiveInfo value) {
            this.collective = Optional.of(value);
            return this;
        }

        public Builder transfer(MemoryTransfer value) {
            this.transfer = Optional.of(value);
            return this;
        }

        public Builder linkage(Linkage value) {
            this.linkage = value;
            return this;
        }

        public Builder attribute(String key, String value) {
            this.attributes.put(key, value);
            return this;
        }

        public KernelRecord build() {
            return new KernelRecord(index, name, kind, category, startNs, durationNs, device, stream, correlationId,
                    launch, operator, callStack, collective, transfer, linkage, attributes);
        }
    }
}
