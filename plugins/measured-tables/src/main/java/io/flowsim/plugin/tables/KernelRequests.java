package io.flowsim.plugin.tables;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link SimulationRequest}s for the kernels a measured row contains, following
 * docs/operand-conventions.md, so that any backend reads them the way it reads a resolved trace.
 * Shortcuts over the API's {@link SimulationRequest#builder}, which resolvers and tests use too.
 */
final class KernelRequests {

    private KernelRequests() {
    }

    /** An input operand. */
    public static Operand in(String name, DataType type, long... shape) {
        return new Operand(name, Direction.INPUT, boxed(shape), type, "");
    }

    /** An output operand. */
    public static Operand out(String name, DataType type, long... shape) {
        return new Operand(name, Direction.OUTPUT, boxed(shape), type, "");
    }

    /** An operand read and written in place. */
    public static Operand inOut(String name, DataType type, long... shape) {
        return new Operand(name, Direction.INPUT_OUTPUT, boxed(shape), type, "");
    }

    /** A compute kernel of a family. */
    public static SimulationRequest kernel(String name, OperationFamily family, String op, List<Operand> operands,
                                           Map<String, String> attributes) {
        return SimulationRequest.builder(name).family(family).opMapping(op).operands(operands).attributes(attributes)
                .build();
    }

    /** {@code C[m, n] = A[m, k] B[k, n]} (a {@code linear} weight [n, k] is B transposed). */
    public static SimulationRequest gemm(String name, long m, long n, long k, DataType ab, DataType c,
                                         Map<String, String> attributes, Operand... extra) {
        List<Operand> ops = new ArrayList<>(List.of(in(OperandRoles.A, ab, m, k), in(OperandRoles.B, ab, k, n),
                out(OperandRoles.C, c, m, n)));
        ops.addAll(Arrays.asList(extra));
        return kernel(name, OperationFamily.GEMM, "matmul", ops, attributes);
    }

    /** A batched GEMM: {@code batch} products {@code [m, k] x [k, n]}. */
    public static SimulationRequest bmm(String name, long batch, long m, long n, long k, DataType ab, DataType c,
                                        Map<String, String> attributes) {
        return kernel(name, OperationFamily.BMM, "bmm", List.of(in(OperandRoles.A, ab, batch, m, k),
                in(OperandRoles.B, ab, batch, k, n), out(OperandRoles.C, c, batch, m, n)), attributes);
    }

    /**
     * The first of the two kernels of a dynamic per-tensor FP8 quantization (sgl-kernel's
     * {@code per_tensor_absmax_kernel}): reads all {@code [rows, cols]} 16-bit activations and folds their
     * absolute maximum into one scale with an atomic; the quantization kernel then reads them again.
     */
    public static SimulationRequest absmax(String name, long rows, long cols) {
        return kernel(name, OperationFamily.REDUCTION, "absmax", List.of(in("input", DataType.BF16, rows, cols),
                out("scale", DataType.FP32, 1)), Map.of());
    }

    /** {@link #absmax(String, long, long)} launched on {@code grid} (one thread block of 128 threads per cell). */
    public static SimulationRequest absmax(String name, long rows, long cols, Dim3 grid) {
        return launched(absmax(name, rows, cols), grid);
    }

    /** A kernel quantizing {@code [rows, cols]} 16-bit activations to FP8 with {@code scaleCols} scales per row. */
    public static SimulationRequest quantize(String name, long rows, long cols, long scaleCols) {
        return kernel(name, OperationFamily.ELEMENTWISE, "quantize_fp8", List.of(in("input", DataType.BF16, rows, cols),
                out("output", DataType.FP8_E4M3, rows, cols), out("scale", DataType.FP32, rows, scaleCols)), Map.of());
    }

    /** {@link #quantize(String, long, long, long)} launched on {@code grid} (one thread block of 128 threads per cell). */
    public static SimulationRequest quantize(String name, long rows, long cols, long scaleCols, Dim3 grid) {
        return launched(quantize(name, rows, cols, scaleCols), grid);
    }

    /** A request with its launch: {@code grid} thread blocks of 128 threads (a Triton program of four warps). */
    private static SimulationRequest launched(SimulationRequest r, Dim3 grid) {
        return SimulationRequest.builder(r.kernelName()).family(r.family()).opMapping(r.opMapping())
                .operands(r.operands()).attributes(r.attributes())
                .launch(new LaunchConfig(grid, new Dim3(128, 1, 1), 0, 0)).build();
    }

    /** A NCCL collective as the profiler records it. */
    public static SimulationRequest collective(String kernelName, String collective, long inElements,
                                               long outElements, int groupSize, String dtype) {
        CollectiveInfo info = new CollectiveInfo(collective, inElements, outElements, groupSize, dtype,
                Optional.empty(), Optional.empty(), List.of());
        return SimulationRequest.builder(kernelName).collective(info).opMapping(collective).build();
    }

    /** The same for a group laid out over nodes of {@code gpusPerNode} of its GPUs each (a run across nodes). */
    public static SimulationRequest collective(String kernelName, String collective, long inElements,
                                               long outElements, int groupSize, String dtype, long gpusPerNode) {
        CollectiveInfo info = new CollectiveInfo(collective, inElements, outElements, groupSize, dtype,
                Optional.empty(), Optional.empty(), List.of());
        return SimulationRequest.builder(kernelName).collective(info).opMapping(collective)
                .attribute(Attributes.COLLECTIVE_GPUS_PER_NODE, gpusPerNode).build();
    }

    /** A custom (peer-to-peer) all-reduce kernel over {@code elements} values. */
    public static SimulationRequest customAllReduce(String kernelName, long elements, DataType type, int groupSize) {
        return SimulationRequest.builder(kernelName).category(KernelCategory.COMMUNICATION)
                .family(OperationFamily.COLLECTIVE).opMapping("all_reduce")
                .input(OperandRoles.INPUT, type, elements).output(OperandRoles.OUTPUT, type, elements)
                .attribute(Attributes.COLLECTIVE_GROUP_SIZE, (long) groupSize).build();
    }

    /**
     * An all-reduce over {@code elements} values whose kernel a framework's dispatch picks ({@code implementation}:
     * {@code collective.implementation}).
     */
    public static SimulationRequest allReduce(String kernelName, long elements, DataType type, int groupSize,
                                              String implementation) {
        return SimulationRequest.builder(kernelName).category(KernelCategory.COMMUNICATION)
                .family(OperationFamily.COLLECTIVE).opMapping("all_reduce")
                .input(OperandRoles.INPUT, type, elements).output(OperandRoles.OUTPUT, type, elements)
                .attribute(Attributes.COLLECTIVE_GROUP_SIZE, (long) groupSize)
                .attribute(Attributes.COLLECTIVE_IMPLEMENTATION, implementation).build();
    }

    /** Attributes from alternating keys and values, skipping null values. */
    public static Map<String, String> attributes(Object... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                map.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
            }
        }
        return map;
    }

    private static List<Long> boxed(long... shape) {
        List<Long> list = new ArrayList<>(shape.length);
        for (long s : shape) {
            list.add(s);
        }
        return list;
    }
}
