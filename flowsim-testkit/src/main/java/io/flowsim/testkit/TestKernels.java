package io.flowsim.testkit;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.SimulationResult;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kernel records and results for tests: {@link KernelRecord#builder} with increasing indices and
 * back-to-back start times, so a list of kernels looks like a trace.
 *
 * <pre>{@code
 * TestKernels kernels = new TestKernels();
 * KernelRecord gemm = kernels.kernel("nvjet_tst_128x64", 5_000).build();
 * }</pre>
 */
public final class TestKernels {

    private final AtomicLong index = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();

    /** A builder for the next kernel: the next index, starting where the previous kernel ended, on device 0. */
    public KernelRecord.Builder kernel(String name, long durationNs) {
        long start = clock.getAndAdd(durationNs);
        return KernelRecord.builder(index.getAndIncrement(), name).start(start).duration(durationNs).device(0)
                .stream(7);
    }

    /** An unresolved kernel result without a simulation. */
    public static KernelResult parsed(KernelRecord kernel) {
        return new KernelResult(ResolvedKernel.unresolved(kernel), Optional.empty());
    }

    /** A resolved kernel with a simulation result. */
    public static KernelResult simulated(ResolvedKernel kernel, SimulationResult simulation) {
        return new KernelResult(kernel, Optional.of(simulation));
    }
}
