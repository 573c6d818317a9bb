package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds back the kernels of a trace read in start-time order (the {@link io.flowsim.api.Trace} contract)
 * until their overlap with other streams is known, and hands them on in the same order with it.
 *
 * <p>A kernel that starts at or after the end of every kernel held (on any device) overlaps none of
 * them, and nor does any later one: the held kernels are complete and go out with their overlaps
 * ({@link KernelOverlap}). So memory grows with the longest stretch of kernels that overlap one another
 * in a chain (a single kernel on a single stream when nothing overlaps; the whole trace at worst, as a
 * simulation keeps anyway), never with the trace's events. Not thread-safe.
 */
final class OverlapWindow {

    /** Receives each completed kernel with its overlap ({@link KernelOverlap#NONE} for memcpy/memset). */
    interface Sink {
        void accept(ResolvedKernel kernel, long overlapNs);
    }

    private final Sink sink;
    private final List<ResolvedKernel> held = new ArrayList<>();
    private long heldEnd = Long.MIN_VALUE;

    OverlapWindow(Sink sink) {
        this.sink = sink;
    }

    /** Adds the next record of the trace; hands on the held ones it cannot overlap. */
    void add(ResolvedKernel kernel) {
        KernelRecord r = kernel.kernel();
        if (!held.isEmpty() && r.startNs() >= heldEnd) {
            flush();
        }
        held.add(kernel);
        if (r.kind() == KernelKind.KERNEL) {
            heldEnd = Math.max(heldEnd, r.endNs());
        }
    }

    /** Hands on every record held (at the end of the trace). */
    void flush() {
        if (held.size() == 1) {
            ResolvedKernel only = held.get(0);
            sink.accept(only, only.kernel().kind() == KernelKind.KERNEL ? 0 : KernelOverlap.NONE);
        } else if (!held.isEmpty()) {
            long[] overlap = KernelOverlap.ofResolved(held);
            for (int i = 0; i < held.size(); i++) {
                sink.accept(held.get(i), overlap[i]);
            }
        }
        held.clear();
        heldEnd = Long.MIN_VALUE;
    }
}
