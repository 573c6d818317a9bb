package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.OperatorCall;

import java.util.Comparator;

/**
 * An {@code X} event on a CPU thread: an operator, a user annotation, a python frame, a runtime
 * call, or any other span. Operators and annotations keep their raw {@code args} (JSON bytes)
 * until linking decides whether their inputs are needed.
 */
final class Frame {

    /**
     * The order of the call-stack walk on one thread: by start; at equal starts the longer span
     * first (it is the parent), then file order.
     */
    static final Comparator<Frame> WALK_ORDER = Frame::compareWalkOrder;

    /**
     * {@link #WALK_ORDER} as one method: it runs for every comparison of the external sort and
     * merge of millions of frames, where a chain of {@code Comparator.comparing...} lambdas costs
     * several calls per comparison under the launcher's C1 compiler.
     */
    static int compareWalkOrder(Frame a, Frame b) {
        if (a.thread != b.thread) {
            return Integer.compare(a.thread, b.thread);
        }
        if (a.tsNs != b.tsNs) {
            return Long.compare(a.tsNs, b.tsNs);
        }
        if (a.durNs != b.durNs) {
            return Long.compare(b.durNs, a.durNs);
        }
        return Long.compare(a.ordinal, b.ordinal);
    }

    final EventKind kind;
    final int nameId;
    final String name;
    final int thread;
    final long tsNs;
    final long durNs;
    final long ordinal;
    final long externalId;
    final byte[] args;
    final EventLocation location;

    /** The runtime call this frame stands for, for {@link EventKind#RUNTIME} frames. */
    RuntimeCall call;
    /** Parsed on first use. */
    OperatorCall operator;
    CollectiveInfo collective;
    boolean labelParsed;
    OperatorCall label;

    Frame(EventKind kind, int nameId, String name, int thread, long tsNs, long durNs, long ordinal, long externalId,
          byte[] args, EventLocation location) {
        this.kind = kind;
        this.nameId = nameId;
        this.name = name;
        this.thread = thread;
        this.tsNs = tsNs;
        this.durNs = durNs;
        this.ordinal = ordinal;
        this.externalId = externalId;
        this.args = args;
        this.location = location;
    }

    long endNs() {
        return tsNs + durNs;
    }

    /** Whether the point {@code t} lies in this span, ends included. */
    boolean contains(long t) {
        return tsNs <= t && t <= endNs();
    }
}
