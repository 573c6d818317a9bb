package io.flowsim.plugin.analytical;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The conversion of a model's seconds to the nanoseconds of a result. */
class EstimateTest {

    @Test
    void aDurationPastALongOfNanosecondsIsUnsupportedWithTheValueNotCapped() {
        Estimate e = Estimate.of(1.2e13, "gemm", "compute").checkedDuration();
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).startsWith("predicted 1.2e+13 s by the gemm model: beyond what a duration holds");
    }

    @Test
    void anInfiniteDurationIsUnsupported() {
        assertThat(Estimate.of(Double.POSITIVE_INFINITY, "memory", "memory").checkedDuration().supported()).isFalse();
    }

    @Test
    void theLongestDurationThatFitsIsKeptAndConvertedExactlyEnough() {
        double seconds = Estimate.LONGEST_SECONDS * 0.99;
        Estimate e = Estimate.of(seconds, "gemm", "compute").checkedDuration();
        assertThat(e.supported()).isTrue();
        assertThat(e.nanos()).isLessThan(Long.MAX_VALUE).isGreaterThan((long) (Long.MAX_VALUE * 0.98));
    }

    @Test
    void anUnsupportedEstimateKeepsItsOwnReason() {
        assertThat(Estimate.unsupported("no operand shapes").checkedDuration().reason()).isEqualTo("no operand shapes");
    }
}
