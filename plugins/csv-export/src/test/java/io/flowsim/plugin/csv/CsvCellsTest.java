package io.flowsim.plugin.csv;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The cell formats: the original's Python spellings for its columns, ours for the rest. */
class CsvCellsTest {

    private static OperatorCall op(ShapeSource source, OperatorInput... inputs) {
        return new OperatorCall("aten::x", OptionalLong.empty(), List.of(inputs), source);
    }

    @Test
    void durationsAreExactMicrosecondsAsPythonPrintsFloats() {
        assertThat(CsvCells.micros(1_632)).isEqualTo("1.632");
        assertThat(CsvCells.micros(1_598_900)).isEqualTo("1598.9");
        assertThat(CsvCells.micros(90_239)).isEqualTo("90.239");
        assertThat(CsvCells.micros(12_000)).isEqualTo("12.0");
        assertThat(CsvCells.micros(0)).isEqualTo("0.0");
        assertThat(CsvCells.micros(3_037_610_555_544_510L)).isEqualTo("3037610555544.51");
    }

    @Test
    void dimsAndTypesArePythonListsOrNotAvailable() {
        OperatorCall mm = op(ShapeSource.PROFILER, OperatorInput.of("c10::BFloat16", Dims.of(1024, 7168)),
                OperatorInput.of("c10::BFloat16", Dims.of(7168, 2112)));
        assertThat(CsvCells.dims(Optional.of(mm))).isEqualTo("[[1024, 7168], [7168, 2112]]");
        assertThat(CsvCells.types(Optional.of(mm))).isEqualTo("['c10::BFloat16', 'c10::BFloat16']");

        OperatorCall comms = op(ShapeSource.PROFILER,
                OperatorInput.of("TensorList", new Dims.TensorList(List.of(Dims.of(1024, 7168)))),
                OperatorInput.of("", Dims.EMPTY), OperatorInput.of("Scalar", Dims.EMPTY));
        assertThat(CsvCells.dims(Optional.of(comms))).isEqualTo("[[[1024, 7168]], [], []]");
        assertThat(CsvCells.types(Optional.of(comms))).isEqualTo("['TensorList', '', 'Scalar']");

        assertThat(CsvCells.dims(Optional.of(op(ShapeSource.PROFILER)))).isEqualTo("[]");
        assertThat(CsvCells.types(Optional.of(op(ShapeSource.PROFILER)))).isEqualTo("");
        assertThat(CsvCells.dims(Optional.of(op(ShapeSource.NONE)))).isEqualTo("N/A");
        assertThat(CsvCells.dims(Optional.empty())).isEqualTo("N/A");
        assertThat(CsvCells.types(Optional.empty())).isEqualTo("N/A");
    }

    @Test
    void stringsArePythonReprs() {
        assertThat(CsvCells.pythonString("self")).isEqualTo("'self'");
        assertThat(CsvCells.pythonString("it's")).isEqualTo("\"it's\"");
        assertThat(CsvCells.pythonString("both ' and \"")).isEqualTo("'both \\' and \"'");
        assertThat(CsvCells.pythonString("a\\b\nc\t\u0001")).isEqualTo("'a\\\\b\\nc\\t\\x01'");
        assertThat(CsvCells.pythonList(List.of("input", "output"))).isEqualTo("['input', 'output']");
        assertThat(CsvCells.pythonList(List.of())).isEmpty();
    }

    @Test
    void ourColumnsHaveCompactFormats() {
        assertThat(CsvCells.dim3(Optional.of(new Dim3(24, 1, 1)))).isEqualTo("[24, 1, 1]");
        assertThat(CsvCells.dim3(Optional.empty())).isEmpty();
        assertThat(CsvCells.id(-1)).isEmpty();
        assertThat(CsvCells.id(104)).isEqualTo("104");
        assertThat(CsvCells.operands(List.of(
                new Operand("A", Direction.INPUT, List.of(1024L, 7168L), DataType.BF16, ""),
                new Operand("C", Direction.OUTPUT, List.of(1024L, 2112L), DataType.FP32, ""))))
                .isEqualTo("A [1024, 7168] bf16; C [1024, 2112] fp32 (output)");
        assertThat(CsvCells.attributes(Map.of("b", "2", "a", "1"))).isEqualTo("a=1; b=2");
        assertThat(CsvCells.percent(java.util.OptionalDouble.of(-12.3456))).isEqualTo("-12.35");
        assertThat(CsvCells.percent(java.util.OptionalDouble.empty())).isEmpty();
    }
}
