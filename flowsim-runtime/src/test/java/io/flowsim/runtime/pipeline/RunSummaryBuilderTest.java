package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.Dims;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.TraceMetadata;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RunSummaryBuilderTest {

    private static final TraceMetadata META = new TraceMetadata("t", "t", List.of(), Optional.empty(),
            OptionalInt.empty(), Map.of());

    private static KernelResult kernel(int index, int device, long start, long duration) {
        return new KernelResult(ResolvedKernel.unresolved(KernelRecord.builder(index, "k" + index).device(device)
                .start(start).duration(duration).build()), Optional.empty());
    }

    @RepeatedTest(20)
    void busyTimeIsTheUnionOfIntervalsPerDevice() {
        Random random = new Random();
        RunSummaryBuilder builder = new RunSummaryBuilder();
        BitSet[] covered = {new BitSet(), new BitSet()};
        int n = 1 + random.nextInt(200);
        for (int i = 0; i < n; i++) {
            int device = random.nextInt(2);
            int start = random.nextInt(5_000);
            int duration = random.nextInt(300);
            builder.add(kernel(i, device, start, duration));
            covered[device].set(start, start + duration);
        }
        RunSummary s = builder.build(META, Optional.empty(), Map.of());
        assertThat(s.busyTimeNs()).isEqualTo(covered[0].cardinality() + covered[1].cardinality());
    }

    @Test
    void nestedTouchingAndDisjointIntervals() {
        RunSummaryBuilder builder = new RunSummaryBuilder();
        builder.add(kernel(0, 0, 0, 100));    // [0,100)
        builder.add(kernel(1, 0, 10, 20));    // nested
        builder.add(kernel(2, 0, 100, 50));   // touching: [0,150)
        builder.add(kernel(3, 0, 500, 0));    // zero length
        builder.add(kernel(4, 0, 1000, 10));  // disjoint
        RunSummary s = builder.build(META, Optional.empty(), Map.of());
        assertThat(s.busyTimeNs()).isEqualTo(160);
        assertThat(s.wallTimeNs()).isEqualTo(1010);
        assertThat(s.kernelTimeNs()).isEqualTo(180);
    }

    @Test
    void anEmptyRunHasZeroTotals() {
        RunSummary s = new RunSummaryBuilder().build(META, Optional.empty(), Map.of());
        assertThat(s.kernelCount()).isZero();
        assertThat(s.busyTimeNs()).isZero();
        assertThat(s.wallTimeNs()).isZero();
        assertThat(s.resolvedFraction()).isEqualTo(1.0);
    }

    @Test
    void percentilesInterpolateLinearly() {
        double[] sorted = {10, 20, 30, 40};
        assertThat(Accuracy.percentile(sorted, 50)).isEqualTo(25.0);
        assertThat(Accuracy.percentile(sorted, 90)).isEqualTo(37.0);
        assertThat(Accuracy.percentile(new double[] {5}, 90)).isEqualTo(5.0);
        assertThat(Accuracy.percentile(new double[0], 50)).isZero();
        assertThat(Accuracy.percentile(new double[] {40, 10, 30, 20}, 90)).as("order does not matter").isEqualTo(37.0);
    }

    private static KernelResult unsupportedUnder(int index, OperatorCall operator) {
        KernelRecord.Builder b = KernelRecord.builder(index, "k" + index).start(index * 10L).duration(5);
        if (operator != null) {
            b.operator(operator);
        }
        return new KernelResult(ResolvedKernel.unresolved(b.build()),
                Optional.of(SimulationResult.unsupported("no operand shapes", "test")));
    }

    private static List<String> notes(RunSummaryBuilder builder) {
        RunSummaryBuilder.SimulationInfo info = new RunSummaryBuilder.SimulationInfo("test",
                new HardwareTarget("H100", Optional.empty()), 1, List.of());
        return builder.build(META, Optional.of(info), Map.of()).simulation().orElseThrow().notes();
    }

    @Test
    void aTraceCapturedWithoutShapesSaysSoOnceWithTheFix() {
        OperatorCall unshaped = new OperatorCall("aten::mm", OptionalLong.of(1), List.of(), ShapeSource.NONE);
        RunSummaryBuilder withoutShapes = new RunSummaryBuilder();
        for (int i = 0; i < 5; i++) {
            withoutShapes.add(unsupportedUnder(i, unshaped));
        }
        List<String> notes = notes(withoutShapes);
        assertThat(notes).filteredOn(n -> n.contains("record_shapes=True")).hasSize(1);
        assertThat(notes).anyMatch(n -> n.startsWith("no prediction for 5 kernels") && n.endsWith("no operand shapes"));

        // One operator with shapes: the capture recorded them, the missing ones have another cause.
        RunSummaryBuilder someShapes = new RunSummaryBuilder();
        someShapes.add(unsupportedUnder(0, unshaped));
        someShapes.add(unsupportedUnder(1, new OperatorCall("aten::mm", OptionalLong.of(2),
                List.of(OperatorInput.of("c10::BFloat16", Dims.of(4, 4))), ShapeSource.PROFILER)));
        assertThat(notes(someShapes)).noneMatch(n -> n.contains("record_shapes"));

        // Kernels launched outside any operator say nothing about the capture's shapes.
        RunSummaryBuilder noOperators = new RunSummaryBuilder();
        noOperators.add(unsupportedUnder(0, null));
        assertThat(notes(noOperators)).noneMatch(n -> n.contains("record_shapes"));
    }

    @Test
    void theFiveCostliestReasonsGetALineEachAndTheRestOneLineTogether() {
        RunSummaryBuilder builder = new RunSummaryBuilder();
        // reason i: i + 1 kernels of 10 ns each, so reason 7 costs most and reasons 0 and 1 least
        int index = 0;
        for (int reason = 0; reason < 8; reason++) {
            for (int k = 0; k <= reason; k++) {
                KernelRecord record = KernelRecord.builder(index, "k" + index).start(index * 100L).duration(10)
                        .build();
                builder.add(new KernelResult(ResolvedKernel.unresolved(record),
                        Optional.of(SimulationResult.unsupported("reason " + reason, "test"))));
                index++;
            }
        }
        List<String> notes = notes(builder);
        assertThat(notes).filteredOn(n -> n.startsWith("no prediction for")).hasSize(6);
        for (int reason = 3; reason < 8; reason++) {
            String count = String.valueOf(reason + 1);
            assertThat(notes).contains(String.format(java.util.Locale.ROOT,
                    "no prediction for %s kernels, %.1f us (%.1f%% of the kernel time): reason %d", count,
                    (reason + 1) * 10 / 1000.0, 100.0 * (reason + 1) / 36, reason));
        }
        // reasons 0, 1 and 2: 1 + 2 + 3 kernels, 60 ns of 360
        assertThat(notes).contains("no prediction for 6 kernels, 0.1 us (16.7% of the kernel time) for 3 further"
                + " reasons (each kernel's reason is in the CSV's Simulation Note)");

        RunSummaryBuilder five = new RunSummaryBuilder();
        for (int reason = 0; reason < 5; reason++) {
            five.add(new KernelResult(ResolvedKernel.unresolved(KernelRecord.builder(reason, "k").duration(10).build()),
                    Optional.of(SimulationResult.unsupported("reason " + reason, "test"))));
        }
        assertThat(notes(five)).noneMatch(n -> n.contains("further reasons"));

        // one reason beyond the five is shown as itself, never as "for 1 further reasons"
        five.add(new KernelResult(ResolvedKernel.unresolved(KernelRecord.builder(5, "k").duration(10).build()),
                Optional.of(SimulationResult.unsupported("reason 5", "test"))));
        assertThat(notes(five)).filteredOn(n -> n.startsWith("no prediction for")).hasSize(6)
                .noneMatch(n -> n.contains("further")).anyMatch(n -> n.endsWith(": reason 5"));
    }
}
