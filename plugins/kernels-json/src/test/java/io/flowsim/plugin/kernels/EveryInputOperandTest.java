package io.flowsim.plugin.kernels;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.ResolvedKernel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static io.flowsim.plugin.kernels.Records.kernel;
import static io.flowsim.plugin.kernels.Records.op;
import static io.flowsim.plugin.kernels.Records.scalar;
import static io.flowsim.plugin.kernels.Records.tensor;
import static io.flowsim.plugin.kernels.Records.tensorList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * An operand of every input ({@code "input": "*"}): each tensor input of the operator is an operand of its own, named
 * by its position, and inputs that are no tensor are skipped. The operators here are written by hand; the first has
 * the arguments the HTA {@code triton_example} trace records for its Inductor kernel (three {@code [10, 10]} floats
 * and the numel as a Scalar).
 */
class EveryInputOperandTest {

    private static final OperandSpec EVERY = new OperandSpec("arg", -1, OperandSpec.EVERY_INPUT, OptionalInt.empty(),
            Direction.UNKNOWN, List.of(), false, "read or written");

    /** {@code None}: the profiler records an empty type and no shape. */
    private static OperatorInput none() {
        return OperatorInput.of("", Dims.EMPTY);
    }

    private static OperatorCall inductorKernel(String name) {
        return op(name, tensor("float", 10, 10), tensor("float", 10, 10), tensor("float", 10, 10), scalar("100"));
    }

    @Test
    void eachTensorInputIsAnOperandNamedByItsPositionAndScalarsAreSkipped() {
        OperandMapper.Mapping m = OperandMapper.map(List.of(EVERY), op("triton_poi_fused_mul_0",
                tensor("c10::BFloat16", 4, 64), scalar("0.5"), none(), tensor("long int", 4), tensor("float"),
                scalar("256")), OperationFamily.ELEMENTWISE);
        assertThat(m.problem()).isEmpty();
        // a 0-dimensional tensor (a type, no sizes) is a tensor; a Scalar and None are not
        assertThat(m.operands()).extracting(Operand::name, Operand::shape, Operand::dataType, Operand::direction)
                .containsExactly(tuple("arg0", List.of(4L, 64L), DataType.BF16, Direction.UNKNOWN),
                        tuple("arg3", List.of(4L), DataType.INT64, Direction.UNKNOWN),
                        tuple("arg4", List.of(), DataType.FP32, Direction.UNKNOWN));
        assertThat(m.parameters()).extracting(Parameter::role, Parameter::description).containsExactly(
                tuple("unknown", "arg0"), tuple("N/A", ""), tuple("N/A", ""), tuple("unknown", "arg3"),
                tuple("unknown", "arg4"), tuple("N/A", ""));
    }

    @Test
    void inputsOtherOperandsTakeAreNotTakenAgain() {
        OperandSpec output = new OperandSpec("output", 2, "", OptionalInt.empty(), Direction.OUTPUT, List.of(), false,
                "");
        OperandMapper.Mapping m = OperandMapper.map(List.of(EVERY, output), inductorKernel("triton_poi_fused_add_0"),
                OperationFamily.ELEMENTWISE);
        assertThat(m.problem()).isEmpty();
        assertThat(m.operands()).extracting(Operand::name).containsExactly("arg0", "arg1", "output");
        assertThat(m.parameters()).extracting(Parameter::role).containsExactly("unknown", "unknown", "output", "N/A");
    }

    @Test
    void aListOfTensorsOrNoTensorAtAllGivesNoOperandsAndSaysWhy() {
        OperandMapper.Mapping list = OperandMapper.map(List.of(EVERY),
                op("triton_poi_x", tensor("float", 8), tensorList(new long[] {2, 3}, new long[] {4, 3})),
                OperationFamily.ELEMENTWISE);
        assertThat(list.operands()).isEmpty();
        assertThat(list.recorded()).isTrue();
        assertThat(list.problem()).hasValueSatisfying(p -> assertThat(p)
                .startsWith("operand arg1 (input #1 of triton_poi_x): a list of tensors [[2, 3], [4, 3]]"));

        OperandMapper.Mapping scalars = OperandMapper.map(List.of(EVERY), op("triton_poi_y", scalar("3"), none()),
                OperationFamily.ELEMENTWISE);
        assertThat(scalars.problem()).hasValueSatisfying(p -> assertThat(p).contains("no tensor input"));
        OperandSpec optional = new OperandSpec("arg", -1, OperandSpec.EVERY_INPUT, OptionalInt.empty(),
                Direction.UNKNOWN, List.of(), true, "");
        assertThat(OperandMapper.map(List.of(optional), op("triton_poi_y", scalar("3")), OperationFamily.ELEMENTWISE)
                .problem()).isEmpty();
    }

    @Test
    void theBundledInductorEntriesMapTheKernelsOwnOperatorAndCountEachArgumentOnce() {
        try (KernelsJsonSession session = Databases.sessionWithBundled()) {
            ResolvedKernel pointwise = session.resolve(kernel("triton_poi_fused_add_cos_sin_0",
                    inductorKernel("triton_poi_fused_add_cos_sin_0"))).orElseThrow();
            assertThat(pointwise.family()).isEqualTo(OperationFamily.ELEMENTWISE);
            assertThat(pointwise.operands()).extracting(Operand::name, Operand::direction).containsExactly(
                    tuple("arg0", Direction.UNKNOWN), tuple("arg1", Direction.UNKNOWN), tuple("arg2", Direction.UNKNOWN));
            assertThat(pointwise.parameters()).extracting(Parameter::role)
                    .containsExactly("unknown", "unknown", "unknown", "N/A");
            // the three 400-byte arguments, each once: not an output the size of the largest beside them
            assertThat(KernelWork.of(pointwise).bytes()).isEqualTo(1200.0);

            ResolvedKernel reduction = session.resolve(kernel("triton_per_fused_mul_sum_0",
                    op("triton_per_fused_mul_sum_0", tensor("float", 64, 512), tensor("float", 64), scalar("64"),
                            scalar("512")))).orElseThrow();
            assertThat(reduction.family()).isEqualTo(OperationFamily.REDUCTION);
            assertThat(KernelWork.of(reduction).bytes()).isEqualTo(4.0 * (64 * 512 + 64));

            // under a compiled graph's operator the inputs are the graph's, not the kernel's: no operands
            ResolvedKernel underGraph = session.resolve(kernel("triton_poi_fused_add_cos_sin_0",
                    inductorKernel("CompiledFunction"))).orElseThrow();
            assertThat(underGraph.operands()).isEmpty();
            assertThat(underGraph.attributes().get("operands.problem"))
                    .isEqualTo("the kernel database maps none for CompiledFunction");
        }
    }
}
