package io.flowsim.plugin.analytical;

import io.flowsim.api.Reporter;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.FittedParameter;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CalibratorTest {

    /**
     * Measurements made by the model itself with a known efficiency: the fit must find it again,
     * starting from another value, and report it with its bounds.
     */
    @Test
    void recoversAKnownEfficiencyFromModelGeneratedMeasurements() {
        HardwareProfile base = Profiles.bundled("h100-sxm");
        double[] truthValues = base.parameters();
        truthValues[Param.GEMM_COMPUTE_EFFICIENCY.ordinal()] = 0.55;
        truthValues[Param.GEMM_MEMORY_EFFICIENCY.ordinal()] = 0.7;
        HardwareProfile truth = base.withParameters(truthValues);
        List<Measurement> ms = new ArrayList<>();
        for (long m : new long[] {1, 16, 128, 512, 2048, 8192}) {
            for (long n : new long[] {1024, 4096, 16384}) {
                for (long k : new long[] {1024, 4096}) {
                    SimulationRequest r = Requests.gemm(m, n, k, DataType.BF16);
                    long ns = KernelModel.estimate(r, truth).nanos();
                    ms.add(new Measurement("g|" + m + "|" + n + "|" + k, "gemm", List.of(r), 0, ns, "generated"));
                }
            }
        }
        Calibrator.Fit fit = Calibrator.fit(base, ms, Reporter.silent());
        assertThat(fit.profile().get(Param.GEMM_COMPUTE_EFFICIENCY)).isCloseTo(0.55, org.assertj.core.data.Offset.offset(0.03));
        assertThat(fit.profile().get(Param.GEMM_MEMORY_EFFICIENCY)).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.05));
        assertThat(fit.parameters()).allSatisfy(p -> assertThat(p.after()).isBetween(p.lower(), p.upper()));
        assertThat(fit.parameters()).extracting(FittedParameter::family).containsOnly("gemm");
        // Parts without data keep their values.
        assertThat(fit.profile().get(Param.MOE_BLOCK_M)).isEqualTo(base.get(Param.MOE_BLOCK_M));
    }

    /**
     * GEMM rows without the {@code measurement.*} attributes (as in a trace, or a table that does not record
     * its benchmark loop): the L2 and graph-replay parameters, which act only through those attributes, cannot
     * move the loss, so they are held at their values rather than written into the profile as wherever the
     * optimizer left them; so is an FP8 efficiency on BF16 rows.
     */
    @Test
    void parametersNoMeasurementDependsOnAreHeldNotFitted() {
        HardwareProfile base = Profiles.bundled("h100-sxm");
        double[] truthValues = base.parameters();
        truthValues[Param.GEMM_COMPUTE_EFFICIENCY.ordinal()] = 0.6;
        HardwareProfile truth = base.withParameters(truthValues);
        List<Measurement> ms = new ArrayList<>();
        for (long m : new long[] {1, 64, 512, 4096}) {
            for (long n : new long[] {2048, 8192}) {
                SimulationRequest r = Requests.gemm(m, n, 4096, DataType.BF16);
                assertThat(r.attributes().keySet()).noneMatch(k -> k.startsWith("measurement."));
                ms.add(new Measurement("g|" + m + "|" + n, "gemm", List.of(r), 0,
                        KernelModel.estimate(r, truth).nanos(), "generated"));
            }
        }
        Calibrator.Fit fit = Calibrator.fit(base, ms, Reporter.silent());
        assertThat(fit.parameters()).extracting(FittedParameter::name).contains(Param.GEMM_COMPUTE_EFFICIENCY.key());
        for (Param held : List.of(Param.GEMM_L2_BANDWIDTH_GBPS, Param.GEMM_L2_RESIDENT_FRACTION,
                Param.GEMM_GRAPH_REPLAY_GAP_US, Param.GEMM_FP8_COMPUTE_EFFICIENCY)) {
            assertThat(fit.parameters()).extracting(FittedParameter::name).as(held.qualifiedName())
                    .doesNotContain(held.key());
            assertThat(fit.profile().get(held)).as(held.qualifiedName()).isEqualTo(base.get(held));
        }
    }

    @Test
    void neverFitsBeyondPhysicalBounds() {
        // Measurements faster than the hardware can be pull efficiencies up, but no further than 1.
        HardwareProfile base = Profiles.bundled("a100-sxm-80gb");
        List<Measurement> ms = new ArrayList<>();
        for (long m = 1024; m <= 8192; m *= 2) {
            SimulationRequest r = Requests.gemm(m, 8192, 8192, DataType.BF16);
            long impossible = Math.round(2.0 * m * 8192 * 8192 / 1e15 * 1e9);
            ms.add(new Measurement("fast|" + m, "gemm", List.of(r), 0, Math.max(1, impossible), "made up"));
        }
        for (int i = 0; i < 8; i++) {
            SimulationRequest r = Requests.gemm(4096 + i, 4096, 4096, DataType.BF16);
            ms.add(new Measurement("fast2|" + i, "gemm", List.of(r), 0, 1000, "made up"));
        }
        Calibrator.Fit fit = Calibrator.fit(base, ms, Reporter.silent());
        for (Param p : Param.values()) {
            assertThat(fit.profile().get(p)).as(p.qualifiedName()).isBetween(p.lower(), p.upper());
        }
        assertThat(fit.profile().get(Param.GEMM_COMPUTE_EFFICIENCY)).isLessThanOrEqualTo(1.0);
        assertThat(fit.notes()).anyMatch(n -> n.contains("ended at its bound"));
    }

    @Test
    void aMeasurementIsFittedToItsSubjectsModel() {
        HardwareProfile base = Profiles.bundled("h100-sxm");
        List<Measurement> ms = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SimulationRequest quant = Requests.kernel(io.flowsim.api.model.OperationFamily.ELEMENTWISE, List.of(
                    Requests.in("input", DataType.BF16, 4096L * (i + 1), 8192),
                    Requests.out("output", DataType.FP8_E4M3, 4096L * (i + 1), 8192)));
            SimulationRequest gemm = Requests.gemm(16, 1024, 1024, DataType.FP8_E4M3);
            ms.add(new Measurement("q|" + i, "gemm fp8", List.of(quant, gemm), 1, 40_000, "made up"));
        }
        Calibrator.Fit fit = Calibrator.fit(base, ms, Reporter.silent());
        assertThat(fit.parameters()).extracting(FittedParameter::family).containsOnly("gemm");
    }

    @Test
    void minimizerStaysInBoundsAndFindsTheMinimum() {
        BoundedMinimizer.Result r = BoundedMinimizer.minimize(x -> Math.pow(x[0] - 0.3, 2) + Math.pow(x[1] + 5, 2),
                new double[] {0.9, 0.5}, new double[] {0, 0}, new double[] {1, 1});
        assertThat(r.x()[0]).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(r.x()[1]).isEqualTo(0.0);
    }

    @Test
    void minimizerIsDeterministicAndEscapesALocalStepInOneDimension() {
        // a step-wise objective with a shallow local minimum at 0.2 and the global one at 0.8
        java.util.function.ToDoubleFunction<double[]> f = x -> x[0] < 0.5
                ? 1 + Math.pow(x[0] - 0.2, 2) : Math.pow(x[0] - 0.8, 2) + Math.floor(x[0] * 40) / 1000;
        BoundedMinimizer.Result a = BoundedMinimizer.minimize(f, new double[] {0.1}, new double[] {0}, new double[] {1});
        BoundedMinimizer.Result b = BoundedMinimizer.minimize(f, new double[] {0.1}, new double[] {0}, new double[] {1});
        assertThat(a.x()[0]).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        assertThat(a.value()).isLessThan(1);
        assertThat(b.x()).containsExactly(a.x());
        assertThat(b.evaluations()).isEqualTo(a.evaluations());
    }

    @Test
    void minimizerLeavesAFixedCoordinateAlone() {
        BoundedMinimizer.Result r = BoundedMinimizer.minimize(x -> Math.pow(x[0] - 0.25, 2) + Math.pow(x[1] - 0.6, 2)
                + x[2], new double[] {0.5, 0.5, 0.7}, new double[] {0, 0, 0.7}, new double[] {1, 1, 0.7});
        assertThat(r.x()[2]).isEqualTo(0.7);
        assertThat(r.x()[0]).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(r.x()[1]).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-3));
    }
}
