package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;

/**
 * A named operand of a resolved kernel, in the form simulators consume.
 *
 * <p>Conventions for {@link #name()} per family (resolvers must follow them so that every backend
 * reads the same thing):
 * <ul>
 *   <li>{@code gemm}/{@code bmm}: {@code A} with shape {@code [batch..., M, K]} and {@code B} with
 *       shape {@code [batch..., K, N]} after any transposes; optional {@code bias}, {@code scale_a},
 *       {@code scale_b}, and the output {@code C} {@code [batch..., M, N]};</li>
 *   <li>{@code attention}: {@code q} {@code [tokens, heads, head_dim]}, {@code k}/{@code v} or
 *       {@code kv_cache}, and resolver-specific extras described in {@code docs/kernels-json.md};</li>
 *   <li>other families: {@code input}, {@code weight}, {@code output}, or the argument names of the
 *       launching operator.</li>
 * </ul>
 *
 * @param name        the operand's role name ({@code A}, {@code B}, {@code q}, {@code input})
 * @param direction   read, written or both
 * @param shape       the operand's shape, outermost first (empty for scalars or unknown); no negative extent,
 *                    and at most {@link Long#MAX_VALUE} elements in all
 * @param dataType    the normalized element type
 * @param description a human-readable description (may be empty)
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Operand(String name, Direction direction, List<Long> shape, DataType dataType, String description) {
    public Operand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(description, "description");
        for (Long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("operand " + name + " has a negative extent: " + shape);
            }
        }
        if (new Dims.Tensor(shape).checkedElementCount().isEmpty()) {
            throw new IllegalArgumentException("operand " + name + " " + shape + " has more elements than a long"
                    + " counts (" + Long.MAX_VALUE + ")");
        }
    }

    /**
     * The number of elements (1 for an empty shape). Exact: the constructor rejects a shape whose count
     * exceeds {@link Long#MAX_VALUE}, so a resolver that builds operands from a trace checks the shape
     * first ({@link Dims.Tensor#checkedElementCount()}) and reports it as the kernel's problem.
     */
    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** The operand's size in bytes ({@code elementCount * dataType.bytes}). */
    public double bytes() {
        return elementCount() * dataType.bytes();
    }
}
