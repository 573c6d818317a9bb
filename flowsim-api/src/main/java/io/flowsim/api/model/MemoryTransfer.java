package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * The payload of a memcpy or memset.
 *
 * @param bytes     bytes copied or set
 * @param direction the copy kind as recorded ({@code HtoD}, {@code DtoD}, {@code DtoH}, {@code PtoP},
 *                  {@code Device} for memset), or empty when unknown
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record MemoryTransfer(long bytes, String direction) {
    public MemoryTransfer {
        Objects.requireNonNull(direction, "direction");
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count: " + bytes);
        }
    }
}
