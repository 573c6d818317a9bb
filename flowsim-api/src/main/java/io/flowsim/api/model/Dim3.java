package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * A CUDA launch dimension ({@code grid} or {@code block}).
 *
 * @param x the x extent, at least 0
 * @param y the y extent, at least 0
 * @param z the z extent, at least 0
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Dim3(long x, long y, long z) {
    public Dim3 {
        if (x < 0 || y < 0 || z < 0) {
            throw new IllegalArgumentException("negative launch dimension [" + x + ", " + y + ", " + z + "]");
        }
    }

    /** {@code x * y * z}. */
    public long volume() {
        return x * y * z;
    }

    @Override
    public String toString() {
        return "[" + x + ", " + y + ", " + z + "]";
    }
}
