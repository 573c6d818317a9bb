package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelRecord;
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
}
