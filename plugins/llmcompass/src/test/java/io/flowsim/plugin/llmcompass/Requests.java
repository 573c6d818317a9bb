package io.flowsim.plugin.llmcompass;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hand-built {@link SimulationRequest}s following docs/operand-conventions.md, standing in for what
 * the trace parser and the kernels-json resolver produce. Shapes are typical of the DeepSeek H200 trace.
 */
final class Requests {

    private Requests() {
    }

    static Operand operand(String name, DataType type, long... shape) {
        return new Operand(name, Direction.INPUT, java.util.Arrays.stream(shape).boxed().toList(), type, "");
    }

    static SimulationRequest request(String kernel, OperationFamily family, String op, List<Operand> operands,
                                     Map<String, String> attributes) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, family, op, operands,
                Optional.empty(), Optional.empty(), Optional.empty(), attributes);
    }

    static SimulationRequest gemm(String kernel, DataType type, long[] a, long[] b) {
        return request(kernel, OperationFamily.GEMM, "matmul",
                List.of(operand("A", type, a), operand("B", type, b)), Map.of());
    }

    static SimulationRequest gemm(long m, long k, long n) {
        return gemm("nvjet_tst_128x64_64x8_2x1_v_bz_TNT", DataType.BF16, new long[] {m, k}, new long[] {k, n});
    }

    static SimulationRequest withLaunch(SimulationRequest r, int gridX) {
        return new SimulationRequest(r.kernelName(), r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                Optional.of(new LaunchConfig(new Dim3(gridX, 1, 1), new Dim3(128, 1, 1), 168, 0)), r.collective(),
                r.transfer(), r.attributes());
    }

    static SimulationRequest flat(String kernel, OperationFamily family, String op, DataType type, long... shape) {
        return request(kernel, family, op, List.of(operand("input", type, shape)), Map.of());
    }
}
