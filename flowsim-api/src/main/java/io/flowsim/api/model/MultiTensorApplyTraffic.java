package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The most a multi-tensor kernel ({@code multi_tensor_apply_kernel}: PyTorch's foreach operators and fused
 * optimizers, {@code aten/src/ATen/native/cuda/MultiTensorApply.cuh}, and the Apex-style fused optimizers derived
 * from {@code apex/csrc/multi_tensor_apply.cuh}) reads and writes, told by its launch configuration. Such a kernel
 * takes lists of tensors (a {@code TensorList}, whose shapes older traces do not record, and optimizers launch it
 * with no operator recording anything) and gives each block one chunk of one tensor: at most
 * {@link #CHUNK_ELEMENTS} elements. So the grid bounds the elements: {@code blocks x CHUNK_ELEMENTS}, exact when
 * every chunk is full and an overestimate by the unfilled part of each tensor's last chunk (a tensor of fewer
 * elements than a chunk still takes a block).
 *
 * <p>The bytes per element come from the functor the kernel's name carries:
 * <ul>
 *   <li>PyTorch's foreach functors ({@code ForeachFunctors.cuh}: {@code BinaryOpScalarFunctor<T, depth,
 *       r_args_depth, res_arg_index>} and the others of that form) load {@code r_args_depth} of the {@code depth}
 *       lists and store one ({@code res_arg_index}): {@code (r_args_depth + 1) x sizeof(T)};</li>
 *   <li>the Apex-style {@code AdamFunctor<T>} over {@code TensorListMetadata<4>} (Apex, DeepSpeed: gradient,
 *       parameter, first and second moment) loads the four and stores all but the gradient: {@code 7 x
 *       sizeof(T)}.</li>
 * </ul>
 * Any other functor's traffic is not known, and says so.
 *
 * <p>One rule for everyone who needs it, as {@link FbgemmTraffic}: the work count ({@link KernelWork}, the
 * efficiency columns) counts these bytes and a backend prices them. Immutable and thread-safe.
 *
 * @param elements    the elements the launch covers at most (NaN with a {@link #problem})
 * @param bytes       the bytes those elements read and write (NaN with a {@link #problem})
 * @param elementType the lists' element type ({@link DataType#UNKNOWN} with a {@link #problem})
 * @param problem     empty when the bytes are known; else why the kernel's name or launch does not tell them (a
 *                    sentence fragment, as a backend gives for its reason)
 *
 * @since 0.16
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record MultiTensorApplyTraffic(double elements, double bytes, DataType elementType, String problem) {

    /**
     * The elements one block takes: PyTorch's {@code kChunkSize}, and the {@code 2048 * 32} that Apex's and
     * DeepSpeed's Python appliers ({@code MultiTensorApply(2048*32)}) pass as the kernel's {@code chunk_size}.
     */
    public static final long CHUNK_ELEMENTS = 65_536;

    private static final Pattern FOREACH_FUNCTOR = Pattern.compile("\\w+Functor<([\\w:]+), (\\d+), (\\d+), (\\d+)>");
    private static final Pattern APEX_ADAM = Pattern.compile("TensorListMetadata<4>, AdamFunctor<([\\w:]+)>");
    /** Lists Apex's {@code AdamFunctor} loads (gradient, parameter, two moments) and stores (all but the gradient). */
    private static final int ADAM_LOADS = 4;
    private static final int ADAM_STORES = 3;

    public MultiTensorApplyTraffic {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(problem, "problem");
        if (problem.isEmpty() ? !(bytes >= 0) || !(elements >= 0) || Double.isInfinite(bytes)
                : !Double.isNaN(bytes) || !Double.isNaN(elements)) {
            throw new IllegalArgumentException(problem.isEmpty()
                    ? "known traffic must be finite and non-negative: " + elements + " elements, " + bytes + " bytes"
                    : "traffic with a problem has no elements and bytes (NaN): " + bytes + " bytes, " + problem);
        }
    }

    /** Whether the name and launch told the bytes. */
    public boolean known() {
        return problem.isEmpty();
    }

    /** Whether the kernel's name is a multi-tensor kernel's ({@code multi_tensor_apply_kernel}). */
    public static boolean multiTensorKernel(String kernelName) {
        return Objects.requireNonNull(kernelName, "kernelName").contains("multi_tensor_apply_kernel");
    }

    /**
     * The traffic of a multi-tensor kernel: {@code grid blocks x} {@link #CHUNK_ELEMENTS} elements at the bytes per
     * element of its functor.
     *
     * @param kernelName the kernel's name
     * @param launch     its launch configuration, when recorded
     * @return the traffic, with a {@link #problem} when the name or launch does not tell it; empty when the kernel is
     *         not a multi-tensor kernel
     */
    public static Optional<MultiTensorApplyTraffic> of(String kernelName, Optional<LaunchConfig> launch) {
        Objects.requireNonNull(launch, "launch");
        if (!multiTensorKernel(kernelName)) {
            return Optional.empty();
        }
        String type;
        int lists;
        Matcher foreach = FOREACH_FUNCTOR.matcher(kernelName);
        Matcher adam = APEX_ADAM.matcher(kernelName);
        if (foreach.find() && Integer.parseInt(foreach.group(3)) <= Integer.parseInt(foreach.group(2))
                && Integer.parseInt(foreach.group(4)) < Integer.parseInt(foreach.group(2))) {
            type = foreach.group(1);
            lists = Integer.parseInt(foreach.group(3)) + 1;
        } else if (adam.find()) {
            type = adam.group(1);
            lists = ADAM_LOADS + ADAM_STORES;
        } else {
            return Optional.of(unknown("a multi-tensor kernel whose functor's loads and stores per element are not"
                    + " known (PyTorch's foreach functors and Apex's AdamFunctor are)"));
        }
        DataType element = DataType.fromName(type);
        if (element.bytes() <= 0) {
            return Optional.of(unknown("a multi-tensor kernel over elements of type '" + type + "', whose size is"
                    + " not known"));
        }
        long blocks = launch.map(l -> l.grid().volume()).orElse(0L);
        if (blocks <= 0) {
            return Optional.of(unknown("a multi-tensor kernel without its launch grid: its elements are told by its"
                    + " blocks, one chunk of a tensor each"));
        }
        double elements = (double) blocks * CHUNK_ELEMENTS;
        return Optional.of(new MultiTensorApplyTraffic(elements, elements * lists * element.bytes(), element, ""));
    }

    private static MultiTensorApplyTraffic unknown(String problem) {
        return new MultiTensorApplyTraffic(Double.NaN, Double.NaN, DataType.UNKNOWN, problem);
    }
}
