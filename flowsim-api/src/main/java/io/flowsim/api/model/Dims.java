package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
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

        /** The number of elements (1 for the empty shape). */
        public long elementCount() {
            long n = 1;
            for (long s : sizes) {
                n *= s;
            }
            return n;
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
