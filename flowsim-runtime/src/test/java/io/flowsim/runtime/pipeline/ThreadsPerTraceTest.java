package io.flowsim.runtime.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The share of the cores each trace gets when {@code --jobs} reads several at once. */
class ThreadsPerTraceTest {

    @Test
    void tracesReadAtOnceShareTheCores() {
        assertThat(TraceRun.threadsPerTrace(2, 1)).isEqualTo(2);
        assertThat(TraceRun.threadsPerTrace(2, 2)).isEqualTo(1);
        assertThat(TraceRun.threadsPerTrace(8, 2)).isEqualTo(4);
        assertThat(TraceRun.threadsPerTrace(8, 3)).isEqualTo(2);
    }

    @Test
    void moreTracesAtOnceThanCoresStillGiveEachOneThread() {
        assertThat(TraceRun.threadsPerTrace(2, 16)).isEqualTo(1);
        assertThat(TraceRun.threadsPerTrace(1, 1)).isEqualTo(1);
    }
}
