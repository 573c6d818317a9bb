package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A GEMM timed by a benchmark loop that replays it on the same tensors (docs/simulator.md, "Measurement loops:
 * L2-resident operands and the graph replay gap"): a working set that fits in the L2 is read from it, and a graph
 * of fewer calls than the GEMM tables' six carries more of the gap between replays. A trace carries neither
 * attribute and is priced as before.
 */
class MeasurementLoopGemmTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");
    private static final double MIB = 1 << 20;

    /** sglang's absorbed MLA {@code mla_gen_post}: {@code heads} products [tokens, 512] x [512, 128]. */
    private static SimulationRequest bmm(long heads, long tokens, Object... attributes) {
        return Requests.kernel(OperationFamily.BMM, List.of(in("A", DataType.BF16, heads, tokens, 512),
                in("B", DataType.BF16, heads, 512, 128), out("C", DataType.BF16, heads, tokens, 128)), attributes);
    }

    private static long bytes(long heads, long tokens) {
        return heads * (tokens * 512 + 512 * 128 + tokens * 128) * 2;
    }

    private static double seconds(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.toString()).isTrue();
        return e.seconds();
    }

    @Test
    void theResidentShareIsWholeUpToTheFractionAndFallsToNoneAtTheL2Size() {
        double l2 = H100.l2CacheMib() * MIB;
        double fraction = H100.get(Param.GEMM_L2_RESIDENT_FRACTION);
        assertThat(fraction).isBetween(0.2, 1.0);
        assertThat(GemmModel.residentShare(0, H100)).isZero();
        assertThat(GemmModel.residentShare(Double.NaN, H100)).isZero();
        assertThat(GemmModel.residentShare(1, H100)).isEqualTo(1);
        assertThat(GemmModel.residentShare(fraction * l2, H100)).isEqualTo(1);
        assertThat(GemmModel.residentShare((fraction + 1) / 2 * l2, H100)).isCloseTo(0.5, within(1e-9));
        assertThat(GemmModel.residentShare(l2, H100)).isZero();
        assertThat(GemmModel.residentShare(4 * l2, H100)).isZero();
    }

    @Test
    void aLoopWhoseWorkingSetFitsInTheL2ReadsItAtTheL2sRate() {
        // 128 heads x 64 tokens: 26 MiB, memory-bound, inside the fraction of the H100's 50 MiB
        SimulationRequest trace = bmm(128, 64);
        long working = bytes(128, 64);
        assertThat(working / MIB).isLessThan(H100.get(Param.GEMM_L2_RESIDENT_FRACTION) * H100.l2CacheMib());
        SimulationRequest warm = bmm(128, 64, Attributes.MEASUREMENT_LOOP_BYTES.name(), working);
        double cold = seconds(trace, H100);
        double resident = seconds(warm, H100);
        assertThat(resident).isLessThan(cold);
        // never faster than moving the bytes at the L2's rate, plus the fixed latency
        double floor = working / (H100.get(Param.GEMM_L2_BANDWIDTH_GBPS) * 1e9)
                + H100.get(Param.GEMM_FIXED_LATENCY_US) * 1e-6;
        assertThat(resident).isGreaterThanOrEqualTo(floor * (1 - 1e-9));
        // a faster L2 makes the warm loop faster and leaves the trace's kernel alone
        double[] values = H100.parameters();
        values[Param.GEMM_L2_BANDWIDTH_GBPS.ordinal()] *= 2;
        HardwareProfile fasterL2 = H100.withParameters(values);
        assertThat(seconds(warm, fasterL2)).isLessThan(resident);
        assertThat(seconds(trace, fasterL2)).isEqualTo(cold);
    }

    @Test
    void aWorkingSetLargerThanTheL2IsReadFromMemory() {
        // 128 heads x 1,024 tokens: 176 MiB, more than three times the L2
        long working = bytes(128, 1024);
        assertThat(working / MIB).isGreaterThan(H100.l2CacheMib());
        assertThat(seconds(bmm(128, 1024, Attributes.MEASUREMENT_LOOP_BYTES.name(), working), H100))
                .isEqualTo(seconds(bmm(128, 1024), H100));
    }

    @Test
    void aGraphOfOneCallCarriesTheGapTheSixCallsOfTheGemmTablesShare() {
        SimulationRequest trace = bmm(1, 1);
        double alone = seconds(trace, H100);
        double gap = H100.get(Param.GEMM_GRAPH_REPLAY_GAP_US) * 1e-6;
        assertThat(gap).isPositive();
        assertThat(seconds(bmm(1, 1, Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), 1), H100) - alone)
                .isCloseTo(gap * (1 - 1.0 / 6), within(1e-12));
        assertThat(seconds(bmm(1, 1, Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), 3), H100) - alone)
                .isCloseTo(gap * (1.0 / 3 - 1.0 / 6), within(1e-12));
        // the fixed latency was fitted on six calls a replay: they carry nothing more, twelve half as much
        assertThat(seconds(bmm(1, 1, Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), 6), H100)).isEqualTo(alone);
        assertThat(seconds(bmm(1, 1, Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), 12), H100) - alone)
                .isCloseTo(-gap / 12, within(1e-12));
    }
}
