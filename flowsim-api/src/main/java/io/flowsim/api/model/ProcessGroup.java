package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;

/**
 * A distributed process group from the trace's {@code distributedInfo.pg_config}.
 *
 * @param name          the group's name (what kernels reference as {@code Process Group Name})
 * @param description   the group's description ({@code default_pg}, {@code undefined})
 * @param backendConfig the backend configuration ({@code cuda:nccl})
 * @param size          the number of ranks
 * @param ranks         the global ranks in the group
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record ProcessGroup(String name, String description, String backendConfig, int size, List<Integer> ranks) {
    public ProcessGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(backendConfig, "backendConfig");
        ranks = List.copyOf(Objects.requireNonNull(ranks, "ranks"));
    }
}
