package io.flowsim.plugin.analytical;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Collectives whose group spans nodes. The expected times are worked out by hand from the formulas in
 * docs/simulator.md ("Collectives across nodes") with the A100 SXM profile's datasheet figures (NVLink
 * 300 GB/s and one 200 Gb/s HDR NIC, 25 GB/s, per GPU; 8 GPUs per node) and round parameter values set
 * here, so that a refit of the shipped parameters does not move them.
 */
class CollectiveAcrossNodesTest {

    /** The A100 SXM with round collective parameters and no pipeline fill (its term is then zero). */
    private static HardwareProfile a100() {
        HardwareProfile p = Profiles.bundled("a100-sxm-80gb");
        double[] v = p.parameters();
        v[Param.NCCL_BUS_EFFICIENCY.ordinal()] = 0.8;
        v[Param.NCCL_NET_BUS_EFFICIENCY.ordinal()] = 0.8;
        v[Param.NCCL_BASE_LATENCY_US.ordinal()] = 10;
        v[Param.NCCL_HOP_LATENCY_US.ordinal()] = 1;
        v[Param.NCCL_NET_HOP_LATENCY_US.ordinal()] = 10;
        v[Param.NCCL_LL_BASE_LATENCY_US.ordinal()] = 5;
        v[Param.NCCL_LL_HOP_LATENCY_US.ordinal()] = 0.5;
        v[Param.NCCL_NET_LL_HOP_LATENCY_US.ordinal()] = 4;
        v[Param.NCCL_LL_BANDWIDTH_FRACTION.ordinal()] = 0.25;
        v[Param.NCCL_PIPELINE_FILL_US.ordinal()] = 0;
        return p.withParameters(v);
    }

    private static SimulationRequest collective(String name, long in, long out, int gpus, List<Integer> ranks,
                                                Map<String, String> attributes) {
        CollectiveInfo c = new CollectiveInfo(name, in, out, gpus, "BFloat16", Optional.empty(), Optional.empty(),
                ranks);
        return new SimulationRequest("nccl:" + name, KernelKind.KERNEL, KernelCategory.COMMUNICATION,
                OperationFamily.COLLECTIVE, name, List.of(), Optional.empty(), Optional.of(c), Optional.empty(),
                attributes);
    }

    private static double micros(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.reason()).isTrue();
        return e.seconds() * 1e6;
    }

    @Test
    void theProfilesCarryTheirNetwork() {
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        assertThat(a100.gpusPerNode()).isEqualTo(8);
        assertThat(a100.internodeBandwidthGbps()).isEqualTo(25);
        assertThat(Profiles.bundled("h100-sxm").internodeBandwidthGbps()).isEqualTo(50);
        assertThat(Profiles.bundled("h200-sxm").internodeBandwidthGbps()).isEqualTo(50);
        assertThat(Profiles.bundled("b200").internodeBandwidthGbps()).isEqualTo(50);
        assertThat(Profiles.bundled("h100-pcie").internodeBandwidthGbps()).isZero();
    }

    @Test
    void aRingAllGatherOverTwoNodesIsBoundByTheNodesNics() {
        // 16 GPUs, 8 per node: 8 MiB per rank, S = 128 MiB; (15/16) S = 125,829,120 bytes per GPU.
        // NVLink 300 GB/s x 0.8 = 240 GB/s; 8 NICs x 25 GB/s x 0.8 = 160 GB/s: the ring runs at 160 GB/s.
        // Simple: 10 + 14 x 1 (NVLink steps) + 1 x 10 (network step) = 34 us + 786.432 us = 820.432 us;
        // LL128 22 us + 838.861 us; LL 16 us + 3,145.728 us.
        double t = micros(collective("_allgather_base", 4L << 20, 64L << 20, 16, List.of(), Map.of()), a100());
        assertThat(t).isCloseTo(820.432, within(0.01));
    }

    @Test
    void anAllToAllSendsWhatLeavesTheNodeThroughEachGpusNic() {
        // 128 GPUs on 16 nodes, S = 419,430,400 bytes: 120/128 S = 393,216,000 bytes through a 20 GB/s NIC
        // = 19,660.8 us (the 7/128 S over NVLink, 95.6 us, runs beside it), behind 10 + 10 us (Simple).
        double t = micros(collective("all_to_all", 209_715_200L, 209_715_200L, 128, List.of(), Map.of()), a100());
        assertThat(t).isCloseTo(19_680.8, within(0.01));
    }

    @Test
    void aSmallAllReduceTakesTheTreeALargeOneTheRing() {
        // 16 GPUs on 2 nodes. 8 KiB: the tree with LL, 5 + 2 x 7 x 0.5 + 2 x 1 x 4 = 20 us latency and
        // 2 x 8,192 bytes at 160 GB/s x 0.25 = 0.4096 us; the ring's LL pays 5 + 28 x 0.5 + 2 x 4 = 27 us.
        double small = micros(collective("allreduce", 4096, 4096, 16, List.of(), Map.of()), a100());
        assertThat(small).isCloseTo(20.4096, within(0.001));
        // 1 GiB: the ring with Simple, 10 + 28 + 20 = 58 us and 2 x 15/16 x 2^30 bytes at 160 GB/s =
        // 12,582.912 us; the tree would move 2 x 2^30 bytes (13,421.8 us).
        double large = micros(collective("allreduce", 1L << 29, 1L << 29, 16, List.of(), Map.of()), a100());
        assertThat(large).isCloseTo(12_640.912, within(0.01));
    }

    @Test
    void theRanksTellAGroupOfOneGpuPerNode() {
        // ranks 0, 8, 16, 24 of a job of 8-GPU nodes: four nodes, one GPU each, so every ring step crosses
        // the network: 64 MiB, 2 x 3/4 x 2^26 = 100,663,296 bytes through one 20 GB/s NIC = 5,033.1648 us,
        // behind 10 + 0 x 1 + 6 x 10 = 70 us (Simple); the tree's 2 x 2^26 bytes take 6,710.9 us.
        double spread = micros(collective("allreduce", 1L << 25, 1L << 25, 4, List.of(0, 8, 16, 24), Map.of()),
                a100());
        assertThat(spread).isCloseTo(5_103.1648, within(0.01));
        // the same group on ranks 0-3 stays on one node, priced as before
        SimulationRequest packed = collective("allreduce", 1L << 25, 1L << 25, 4, List.of(0, 1, 2, 3), Map.of());
        double expected = CollectiveModel.nccl(CollectiveModel.Op.ALL_REDUCE, 4, 1L << 26, "nccl:allreduce", a100())
                .seconds() * 1e6;
        assertThat(micros(packed, a100())).isCloseTo(expected, within(1e-9)).isLessThan(spread / 5);
    }

    @Test
    void aMeasuredLayoutComesFromTheAttribute() {
        // vidur's send/receive between two nodes, one GPU each: 64 MiB through one 20 GB/s NIC = 3,355.4432 us
        // behind 10 + 10 us (Simple)
        double t = micros(collective("send", 1L << 25, 1L << 25, 2, List.of(),
                Map.of(Attributes.COLLECTIVE_GPUS_PER_NODE.name(), "1")), a100());
        assertThat(t).isCloseTo(3_375.4432, within(0.01));
    }

    @Test
    void groupsOfOneNodeAreUnchanged() {
        HardwareProfile hw = a100();
        SimulationRequest r = collective("allreduce", 1L << 24, 1L << 24, 8, List.of(), Map.of());
        double expected = CollectiveModel.nccl(CollectiveModel.Op.ALL_REDUCE, 8, 1L << 25, "nccl:allreduce", hw)
                .seconds() * 1e6;
        assertThat(micros(r, hw)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void theRunCanReplaceTheNetworkAndTheNodeSize() {
        // --internode-gbps 8.67 on the bundled A100 (net_bus_efficiency 0.9 as shipped): a 64 MiB send between
        // two nodes moves 2^26 bytes at 8.67 x 0.9 = 7.803 GB/s = 8,600.4 us, plus the latency
        HardwareProfile shipped = Profiles.bundled("a100-sxm-80gb");
        RunContext whatIf = RunContext.of(Options.builder().add("analytical.internode-gbps", "8.67")
                .add("analytical.gpus-per-node", "4").build(), Reporter.silent(), null);
        HardwareTarget a100 = new HardwareTarget("A100", Optional.empty());
        SimulationRequest send = collective("send", 1L << 25, 1L << 25, 2, List.of(),
                Map.of(Attributes.COLLECTIVE_GPUS_PER_NODE.name(), "1"));
        double transfer = (1L << 26) / (8.67e9 * shipped.get(Param.NCCL_NET_BUS_EFFICIENCY));
        double latency = (shipped.get(Param.NCCL_BASE_LATENCY_US) + shipped.get(Param.NCCL_NET_HOP_LATENCY_US)) * 1e-6;
        double fill = shipped.get(Param.NCCL_PIPELINE_FILL_US) * 1e-6
                * (1 - Math.exp(-(1L << 26) / (shipped.get(Param.NCCL_PIPELINE_FILL_MB) * 1e6)));
        // --gpus-per-node 4: an 8-GPU all-reduce without recorded ranks spans two nodes
        SimulationRequest eight = collective("allreduce", 1L << 24, 1L << 24, 8, List.of(), Map.of());
        List<SimulationResult> results;
        List<String> notes;
        try (SimulationSession session = new AnalyticalBackend().open(whatIf)) {
            results = session.simulate(List.of(send, eight), a100);
            notes = session.notes(a100);
        }
        assertThat(results.get(0).predictedNs().orElseThrow() * 1e-9)
                .isCloseTo(latency + transfer + fill, within(2e-9));
        double twoNodes = CollectiveModel.acrossNodes(CollectiveModel.Op.ALL_REDUCE, 8,
                new CollectiveModel.Placement(4, 2), 1L << 25, shipped.withNetwork(4, 8.67)).seconds();
        assertThat(results.get(1).predictedNs().orElseThrow() * 1e-9).isCloseTo(twoNodes, within(2e-9))
                .isGreaterThan(KernelModel.estimate(eight, shipped).seconds());
        assertThat(notes).anyMatch(n -> n.contains("what-if network: 4 GPUs per node, 8.67 GB/s"));
    }

    @Test
    void theWhatIfNetworkIsAppliedOncePerRunNotForEveryBatch() {
        RunContext whatIf = RunContext.of(Options.builder().add("analytical.internode-gbps", "8.67")
                .add("analytical.gpus-per-node", "4").build(), Reporter.silent(), null);
        HardwareTarget a100 = new HardwareTarget("A100", Optional.empty());
        SimulationRequest eight = collective("allreduce", 1L << 24, 1L << 24, 8, List.of(), Map.of());
        try (SimulationSession s = new AnalyticalBackend().open(whatIf)) {
            AnalyticalBackend.Session session = (AnalyticalBackend.Session) s;
            HardwareProfile run = session.runProfile(a100);
            assertThat(run.gpusPerNode()).isEqualTo(4);
            assertThat(run.internodeBandwidthGbps()).isEqualTo(8.67);
            List<SimulationResult> first = session.simulate(List.of(eight), a100);
            List<SimulationResult> second = session.simulate(List.of(eight), a100);
            assertThat(session.notes(a100)).anyMatch(n -> n.contains("what-if network: 4 GPUs per node"));
            assertThat(session.runProfile(a100)).as("one copy of the profile for the run").isSameAs(run);
            assertThat(second).isEqualTo(first);
        }
        try (SimulationSession s = new AnalyticalBackend().open(RunContext.of(Options.builder().build(),
                Reporter.silent(), null))) {
            HardwareProfile shipped = ((AnalyticalBackend.Session) s).runProfile(a100);
            assertThat(shipped.gpusPerNode()).isEqualTo(Profiles.bundled("a100-sxm-80gb").gpusPerNode());
            assertThat(((AnalyticalBackend.Session) s).runProfile(a100)).isSameAs(shipped);
        }
    }

    @Test
    void aWhatIfNetworkMustBePositive() {
        for (String[] bad : new String[][] {{"analytical.internode-gbps", "0"}, {"analytical.gpus-per-node", "0"}}) {
            RunContext context = RunContext.of(Options.builder().add(bad[0], bad[1]).build(), Reporter.silent(), null);
            assertThatThrownBy(() -> new AnalyticalBackend().open(context))
                    .isInstanceOfSatisfying(FlowsimException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.getMessage()).contains("--" + bad[0].substring("analytical.".length()));
                    });
        }
    }

    @Test
    void aProfileWithoutANetworkSaysSo() {
        Estimate e = KernelModel.estimate(collective("allreduce", 1 << 20, 1 << 20, 16, List.of(), Map.of()),
                Profiles.bundled("h100-pcie"));
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("spans 2 nodes").contains("internode_bandwidth_gbps");
    }

    @Test
    void acrossNodesNeverBeatsTheNetworkAndGrowsWithTheMessage() {
        for (HardwareProfile base : Profiles.all()) {
            if (base.internodeBandwidthGbps() <= 0) {
                continue;
            }
            for (HardwareProfile hw : List.of(base, Profiles.atBounds(base, true), Profiles.atBounds(base, false))) {
                double previous = 0;
                for (long elements : new long[] {1 << 10, 1 << 16, 1 << 20, 1 << 24, 1 << 28}) {
                    double s = micros(collective("allreduce", elements, elements, 32, List.of(), Map.of()), hw) * 1e-6;
                    // a ring over 4 nodes of 8 moves 2 x 31/32 S per GPU, at most 8 NICs' worth per node
                    double bound = 2.0 * 31 / 32 * elements * 2 / (8 * hw.internodeBytesPerSecond());
                    assertThat(s).as("%s all-reduce %d", hw, elements).isGreaterThanOrEqualTo(bound)
                            .isGreaterThanOrEqualTo(previous * 0.999);
                    previous = s;
                    double a2a = micros(collective("all_to_all", elements, elements, 32, List.of(), Map.of()), hw) * 1e-6;
                    assertThat(a2a).isGreaterThanOrEqualTo(24.0 / 32 * elements * 2 / hw.internodeBytesPerSecond());
                }
            }
        }
    }
}
