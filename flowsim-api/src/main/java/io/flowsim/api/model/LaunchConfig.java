package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * How a kernel was launched.
 *
 * @param grid                the grid dimensions
 * @param block               the block dimensions
 * @param registersPerThread  registers per thread, or 0 when unknown
 * @param sharedMemoryBytes   static plus dynamic shared memory per block in bytes, or 0 when unknown
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record LaunchConfig(Dim3 grid, Dim3 block, int registersPerThread, long sharedMemoryBytes) {
    public LaunchConfig {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(block, "block");
        if (registersPerThread < 0) {
            throw new IllegalArgumentException("registersPerThread must be >= 0: " + registersPerThread);
        }
        if (sharedMemoryBytes < 0) {
            throw new IllegalArgumentException("sharedMemoryBytes must be >= 0: " + sharedMemoryBytes);
        }
    }
}
