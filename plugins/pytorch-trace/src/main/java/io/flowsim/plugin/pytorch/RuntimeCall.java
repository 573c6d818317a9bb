package io.flowsim.plugin.pytorch;

import java.util.List;

/**
 * A CUDA runtime or driver call ({@code cudaLaunchKernel}, {@code cuLaunchKernelEx},
 * {@code cudaMemcpyAsync}, ...) in compact form, with what linking found for it.
 */
final class RuntimeCall {
    final long ordinal;
    final int nameId;
    final String name;
    final int thread;
    final long tsNs;
    final long durNs;
    final long correlation;
    final long externalId;

    /** Whether a GPU activity of the trace names this call through its correlation id. */
    boolean launchedWork;
    boolean nestedInCpuOp;
    boolean nestedInAnnotation;
    /** For launches, during linking: the frames the walk found, innermost first (without the call itself). */
    List<Frame> frames = List.of();
    /** For launches, after linking: the call stack's names, the call first (the frames are released). */
    List<String> callStack = List.of();

    /** The operator the call is linked to, and how; set by linking. */
    Frame operatorFrame;
    boolean operatorByExternalId;
    Frame labelFrame;
    String problem;
    /**
     * The collective the call launches for, from the innermost {@code nccl:<op>} or {@code c10d::<op>}
     * frame around it ({@code all_to_all}, {@code _allgather_base_}), or null.
     */
    String collectiveName;

    RuntimeCall(long ordinal, int nameId, String name, int thread, long tsNs, long durNs, long correlation,
                long externalId) {
        this.ordinal = ordinal;
        this.nameId = nameId;
        this.name = name;
        this.thread = thread;
        this.tsNs = tsNs;
        this.durNs = durNs;
        this.correlation = correlation;
        this.externalId = externalId;
    }

    long endNs() {
        return tsNs + durNs;
    }

    /** The call as a frame of the walk. */
    Frame asFrame() {
        Frame f = new Frame(EventKind.RUNTIME, nameId, name, thread, tsNs, durNs, ordinal, externalId, null, null);
        f.call = this;
        return f;
    }
}
