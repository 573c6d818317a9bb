package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per kernel, the time during which at least one kernel of another stream of the same device ran:
 * the length of {@code [start, end)} intersected with the union of the other streams' kernel intervals.
 * Collectives are kernels and count (they occupy SMs); memcpys and memsets do not (copy engines share
 * the memory, not the SMs) and get no overlap of their own. Intervals are half-open: kernels that only
 * touch do not overlap, and a zero-length kernel overlaps nothing.
 *
 * <p>Per device: each stream's kernels are merged into that stream's busy intervals, and a sweep over
 * every stream's busy intervals finds where at least two streams are busy. A kernel lies inside its own
 * stream's busy time, so another stream runs beside it exactly where two streams are busy: its overlap
 * is the length of that set within its interval, found by binary search over prefix sums. O(n log n)
 * time, O(n) memory for n kernels.
 */
final class KernelOverlap {

    /** The value for records that have no overlap of their own (memcpys, memsets). */
    static final long NONE = -1;

    private KernelOverlap() {
    }

    /**
     * The overlap of every record with the kernels of other streams among {@code records}, by position;
     * {@link #NONE} for memcpys and memsets. The records may come in any order.
     */
    static long[] of(List<KernelRecord> records) {
        long[] overlap = new long[records.size()];
        Map<Integer, List<Integer>> byDevice = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KernelRecord r = records.get(i);
            if (r.kind() != KernelKind.KERNEL) {
                overlap[i] = NONE;
            } else {
                byDevice.computeIfAbsent(r.device(), d -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> kernels : byDevice.values()) {
            device(records, kernels, overlap);
        }
        return overlap;
    }

    /** {@link #of(List)} over the records of resolved kernels. */
    static long[] ofResolved(List<ResolvedKernel> kernels) {
        List<KernelRecord> records = new ArrayList<>(kernels.size());
        for (ResolvedKernel k : kernels) {
            records.add(k.kernel());
        }
        return of(records);
    }

    private static void device(List<KernelRecord> records, List<Integer> kernels, long[] overlap) {
        Map<Long, List<Integer>> byStream = new HashMap<>();
        for (int i : kernels) {
            byStream.computeIfAbsent(records.get(i).stream(), s -> new ArrayList<>()).add(i);
        }
        if (byStream.size() < 2) {
            return; // one stream: nothing else ran on this device
        }
        Intervals busy = new Intervals();
        for (List<Integer> stream : byStream.values()) {
            mergeInto(records, stream, busy);
        }
        Intervals shared = twoOrMore(busy);
        long[] before = shared.prefixLengths();
        for (int i : kernels) {
            KernelRecord r = records.get(i);
            overlap[i] = r.durationNs() == 0 ? 0
                    : lengthBefore(shared, before, r.endNs()) - lengthBefore(shared, before, r.startNs());
        }
    }

    /** Adds the union of one stream's kernel intervals (zero-length ones left out) to {@code busy}. */
    private static void mergeInto(List<KernelRecord> records, List<Integer> stream, Intervals busy) {
        long[][] spans = new long[stream.size()][];
        int n = 0;
        for (int i : stream) {
            KernelRecord r = records.get(i);
            if (r.durationNs() > 0) {
                spans[n++] = new long[] {r.startNs(), r.endNs()};
            }
        }
        Arrays.sort(spans, 0, n, (a, b) -> Long.compare(a[0], b[0]));
        int k = 0;
        while (k < n) {
            long start = spans[k][0];
            long end = spans[k][1];
            k++;
            while (k < n && spans[k][0] <= end) {
                end = Math.max(end, spans[k][1]);
                k++;
            }
            busy.add(start, end);
        }
    }

    /**
     * Where at least two of {@code busy}'s intervals (each stream's intervals are disjoint) are open:
     * sorted, disjoint intervals. An interval ending where another starts is closed first.
     */
    private static Intervals twoOrMore(Intervals busy) {
        long[] starts = Arrays.copyOf(busy.starts, busy.size);
        long[] ends = Arrays.copyOf(busy.ends, busy.size);
        Arrays.sort(starts);
        Arrays.sort(ends);
        Intervals shared = new Intervals();
        int open = 0;
        long sharedSince = 0;
        int i = 0;
        int j = 0;
        while (j < ends.length) {
            if (i < starts.length && starts[i] < ends[j]) {
                if (++open == 2) {
                    sharedSince = starts[i];
                }
                i++;
            } else {
                if (open-- == 2 && ends[j] > sharedSince) {
                    shared.add(sharedSince, ends[j]);
                }
                j++;
            }
        }
        return shared;
    }

    /** The length of {@code shared} before {@code t}. */
    private static long lengthBefore(Intervals shared, long[] before, long t) {
        // the number of intervals starting before t
        int lo = 0;
        int hi = shared.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (shared.starts[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return 0;
        }
        return before[lo] - Math.max(0, shared.ends[lo - 1] - t);
    }

    /** A growable list of intervals as two arrays. */
    private static final class Intervals {
        long[] starts = new long[16];
        long[] ends = new long[16];
        int size;

        void add(long start, long end) {
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            starts[size] = start;
            ends[size] = end;
            size++;
        }

        /** {@code p[k]} = the summed length of the first {@code k} intervals. */
        long[] prefixLengths() {
            long[] p = new long[size + 1];
            for (int k = 0; k < size; k++) {
                p[k + 1] = p[k] + ends[k] - starts[k];
            }
            return p;
        }
    }
}
