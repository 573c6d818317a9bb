package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The trace's {@code distributedInfo}: which rank of which job produced it.
 *
 * @param backend       the distributed backend ({@code nccl}, {@code gloo}), or empty
 * @param rank          this trace's global rank
 * @param worldSize     the number of ranks in the job
 * @param processGroups the process groups, when recorded
 * @param ncclVersion   the NCCL version, when recorded
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record DistributedInfo(String backend, OptionalInt rank, OptionalInt worldSize,
                              List<ProcessGroup> processGroups, Optional<String> ncclVersion) {
    public DistributedInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(rank, "rank");
        Objects.requireNonNull(worldSize, "worldSize");
        processGroups = List.copyOf(Objects.requireNonNull(processGroups, "processGroups"));
        Objects.requireNonNull(ncclVersion, "ncclVersion");
    }
}
