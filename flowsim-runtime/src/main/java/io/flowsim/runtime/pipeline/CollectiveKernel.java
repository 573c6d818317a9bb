package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.Stage;

import java.util.Locale;
import java.util.Objects;

/**
 * One collective kernel of one trace, as cross-rank matching needs it.
 *
 * @param kernelName   the kernel's name
 * @param collective   the collective, normalized ({@code allreduce}, {@code allgather}, {@code alltoall}, ...)
 * @param processGroup the process group's name, or empty when the trace does not say
 * @param startNs      start time
 * @param durationNs   measured duration
 * @param predictedNs  predicted duration, or -1 without one
 * @param stage        the kernel's stage
 */
public record CollectiveKernel(String kernelName, String collective, String processGroup, long startNs,
                               long durationNs, long predictedNs, Stage stage) {
    public CollectiveKernel {
        Objects.requireNonNull(kernelName, "kernelName");
        Objects.requireNonNull(collective, "collective");
        Objects.requireNonNull(processGroup, "processGroup");
        Objects.requireNonNull(stage, "stage");
    }

    /** End time. */
    public long endNs() {
        return startNs + durationNs;
    }

    /**
     * Whether the collective moves a different amount per rank, so that its transfer lasts as long
     * as the slowest rank's (all-to-all); symmetric collectives (all-reduce, all-gather, ...) last
     * as long as the rank that waited least.
     */
    public boolean asymmetric() {
        return collective.contains("alltoall") || collective.contains("sendrecv") || collective.equals("send")
                || collective.equals("recv");
    }

    static CollectiveKernel of(ResolvedKernel k, Stage stage, long predictedNs) {
        KernelRecord r = k.kernel();
        String group = r.collective().flatMap(CollectiveInfo::processGroupName).orElse("");
        return new CollectiveKernel(r.name(), collectiveName(k), group, r.startNs(), r.durationNs(), predictedNs,
                stage);
    }

    /**
     * The collective a kernel performs: its collective arguments' name, else the communication
     * library's range on the call stack ({@code nccl:all_reduce}), else the process-group call
     * ({@code c10d::allreduce_}), else the op mapping, else its kernel name.
     */
    static String collectiveName(ResolvedKernel k) {
        KernelRecord r = k.kernel();
        if (r.collective().isPresent()) {
            return normalize(r.collective().get().name());
        }
        for (String frame : r.callStack()) {
            if (frame.startsWith("nccl:") || frame.startsWith("gloo:")) {
                return normalize(frame.substring(5));
            }
        }
        for (String frame : r.callStack()) {
            if (frame.startsWith("c10d::")) {
                return normalize(frame.substring(6));
            }
        }
        if (!k.opMapping().isEmpty()) {
            return normalize(k.opMapping());
        }
        String lower = r.name().toLowerCase(Locale.ROOT);
        for (String c : new String[] {"allreduce", "allgather", "reducescatter", "alltoall", "broadcast", "sendrecv"}) {
            if (lower.replace("_", "").contains(c)) {
                return c;
            }
        }
        return normalize(r.name());
    }

    /** {@code _allgather_base_} and {@code all_gather} both give {@code allgather}. */
    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "");
        if (n.endsWith("base")) {
            n = n.substring(0, n.length() - 4);
        }
        if (n.startsWith("allgatherintotensor")) {
            n = "allgather";
        } else if (n.startsWith("reducescattertensor")) {
            n = "reducescatter";
        }
        return n.isEmpty() ? name : n;
    }
}
