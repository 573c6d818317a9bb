package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The dimensions of one operator input as the profiler recorded them: a tensor shape
 * ({@code [1024, 7168]}; {@code []} for scalars, {@code None} and 0-dim tensors) or, for
 * {@code TensorList} inputs, a list of such entries ({@code [[1024, 7168], [7168]]}).
 * The same structure describes strides.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public sealed interface Dims permits Dims.Tensor, Dims.TensorList {

    /** The empty shape {@code []}. */
    Dims EMPTY = new Tensor(List.of());

    /** A tensor shape, or the empty shape. */
    static Dims of(long... sizes) {
        return new Tensor(java.util.Arrays.stream(sizes).boxed().toList());
    }

    /** Python {@code str()} rendering, as the original FlowSim writes it: {@code [1024, 7168]}. */
    String format();

    /** Whether this is the empty shape {@code []}. */
    boolean isEmpty();

    /**
     * A tensor shape.
     *
     * @param sizes the extent of each dimension, outermost first
     */
    record Tensor(List<Long> sizes) implements Dims {
        public Tensor {
            sizes = List.copyOf(Objects.requireNonNull(sizes, "sizes"));
        }

        /**
         * The number of elements (1 for the empty shape), as a plain product that wraps around silently
         * when it exceeds {@link Long#MAX_VALUE}. Kept for compatibility: a shape read from a trace may be
         * hostile or corrupt, so count it with {@link #checkedElementCount()}.
         */
        public long elementCount() {
            long n = 1;
            for (long s : sizes) {
                n *= s;
            }
            return n;
        }

        /**
         * The number of elements (1 for the empty shape, 0 when any size is 0), or empty when the product
         * of the sizes exceeds {@link Long#MAX_VALUE} (no real tensor has 2<sup>63</sup> elements: the shape
         * is hostile or corrupt, and a caller says so instead of computing with a wrapped, possibly negative
         * count). Sizes are multiplied as recorded; a negative size, which no profiler records, is not
         * rejected here ({@link Operand} rejects it).
         *
         * @since 0.1
         */
        public OptionalLong checkedElementCount() {
            if (sizes.contains(0L)) {
                return OptionalLong.of(0);
            }
            long n = 1;
            try {
                for (long s : sizes) {
                    n = Math.multiplyExact(n, s);
                }
            } catch (ArithmeticException e) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(n);
        }

        @Override
        public String format() {
            return sizes.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
        }

        @Override
        public boolean isEmpty() {
            return sizes.isEmpty();
        }

        @Override
        public String toString() {
            return format();
        }
    }

    /**
     * The shapes of a {@code TensorList} input (or any nested list the profiler wrote).
     *
     * @param elements one entry per list element
     */
    record TensorList(List<Dims> elements) implements Dims {
        public TensorList {
            elements = List.copyOf(Objects.requireNonNull(elements, "elements"));
        }

        @Override
        public String format() {
            return elements.stream().map(Dims::format).collect(Collectors.joining(", ", "[", "]"));
        }

        @Override
        public boolean isEmpty() {
            return elements.isEmpty();
        }

        @Override
        public String toString() {
            return format();
        }
    }
}
