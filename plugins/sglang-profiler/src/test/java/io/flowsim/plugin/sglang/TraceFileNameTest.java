package io.flowsim.plugin.sglang;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** Names as sglang writes them (reference-flowsim.md §6: scheduler_profiler_mixin.py). */
class TraceFileNameTest {

    @Test
    void readsTheTensorParallelRank() {
        assertThat(TraceFileName.tensorParallelRank(Path.of("1754448446.4487388-TP-0.trace.json.gz"))).hasValue(0);
        assertThat(TraceFileName.tensorParallelRank(Path.of("/p/run-1772529412-TP-12-DP-1-EXTEND.trace.json.gz")))
                .hasValue(12);
        assertThat(TraceFileName.tensorParallelRank(Path.of("x-TP-3-DP-2-PP-1-EP-3.trace.json.gz"))).hasValue(3);
        assertThat(TraceFileName.tensorParallelRank(Path.of("profile.trace.json.gz"))).isEqualTo(OptionalInt.empty());
        assertThat(TraceFileName.tensorParallelRank(Path.of("x-TP-.trace.json.gz"))).isEmpty();
        assertThat(TraceFileName.tensorParallelRank(Path.of("x-TP-1a.trace.json.gz"))).isEmpty();
    }

    @Test
    void describesAllParts() {
        assertThat(TraceFileName.describe(Path.of("1-TP-1-DP-0-PP-2-EXTEND.trace.json.gz")))
                .isEqualTo("TP 1, DP 0, PP 2, EXTEND");
        assertThat(TraceFileName.describe(Path.of("1-TP-0-DECODE.trace.json.gz"))).isEqualTo("TP 0, DECODE");
        assertThat(TraceFileName.describe(Path.of("plain.trace.json.gz"))).isEmpty();
    }

    @Test
    void onlyCompressedTracesCount() {
        assertThat(TraceFileName.isTrace(Path.of("a-TP-0.trace.json.gz"))).isTrue();
        assertThat(TraceFileName.isTrace(Path.of("a-TP-0.trace.json"))).isFalse();
        assertThat(TraceFileName.isTrace(Path.of("a.json.gz"))).isFalse();
    }
}
