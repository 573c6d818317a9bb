package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Arguments of a collective-communication kernel (NCCL), as the profiler records them on
 * {@code record_param_comms} and on the kernel.
 *
 * @param name                    the collective ({@code allreduce}, {@code _allgather_base},
 *                                {@code reduce_scatter}, {@code all_to_all}, {@code send}, ...)
 * @param inputElements           {@code In msg nelems}: elements sent by this rank (not bytes)
 * @param outputElements          {@code Out msg nelems}: elements received by this rank
 * @param groupSize               ranks in the process group (at least 1)
 * @param dtype                   the raw dtype string ({@code BFloat16}, {@code Float})
 * @param processGroupName        the process group's name, matching the trace's process groups
 * @param processGroupDescription the process group's description ({@code default_pg})
 * @param ranks                   the group's global ranks when recorded (may be truncated by the
 *                                profiler for large groups)
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record CollectiveInfo(String name, long inputElements, long outputElements, int groupSize,
                             String dtype, Optional<String> processGroupName,
                             Optional<String> processGroupDescription, List<Integer> ranks) {
    public CollectiveInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(processGroupName, "processGroupName");
        Objects.requireNonNull(processGroupDescription, "processGroupDescription");
        ranks = List.copyOf(Objects.requireNonNull(ranks, "ranks"));
        if (inputElements < 0 || outputElements < 0) {
            throw new IllegalArgumentException("negative element count in collective " + name);
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("collective " + name + " has group size " + groupSize);
        }
    }

    /** The normalized element type. */
    public DataType dataType() {
        return DataType.fromName(dtype);
    }
}
