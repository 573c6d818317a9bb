package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * PyTorch's gather and index kernels: the vectorized row gather's compulsory traffic, and the one-element-per-
 * thread index_select / index_add loops as a chain of rounds. Kernel names, grids and shapes are those the
 * demo llama3-8b and qwen3-30b-a3b traces and the FlowSim H200 trace record (embedding gathers, MoE combine).
 */
class IndexKernelTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");

    private static final String GATHER = "void at::native::vectorized_gather_kernel<16, long>(char*, char*, long*, int,"
            + " long, long, long, long, bool)";
    private static final String SELECT_LARGE = "void at::native::(anonymous namespace)::indexSelectLargeIndex<c10::BFloat16,"
            + " long, unsigned int, 2, 2, -2, true>(...)";
    private static final String SELECT_SMALL = "void at::native::(anonymous namespace)::indexSelectSmallIndex<c10::BFloat16,"
            + " long, unsigned int, 2, 2, -2>(...)";
    private static final String ADD_LARGE = "void at::native::indexFuncLargeIndex<c10::BFloat16, long, unsigned int, 2, 2,"
            + " -2, true, at::native::(anonymous namespace)::ReduceAdd>(...)";

    private static SimulationRequest request(String kernel, List<Operand> operands, long grid, long block) {
        Optional<LaunchConfig> launch = grid <= 0 ? Optional.empty()
                : Optional.of(new LaunchConfig(new Dim3(grid, 1, 1), new Dim3(block, 1, 1), 0, 0));
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.COPY, "gather",
                operands, launch, Optional.empty(), Optional.empty(), Map.of());
    }

    private static double vectorizedTime(double bytes) {
        return H200.get(Param.VECTORIZED_FIXED_LATENCY_US) * 1e-6
                + bytes / (H200.hbmBytesPerSecond() * H200.get(Param.VECTORIZED_MEMORY_EFFICIENCY));
    }

    private static double chain(long rounds) {
        return H200.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6 + rounds * H200.get(Param.COPY_INDEX_ROUND_US) * 1e-6;
    }

    @Test
    void vectorizedGatherMovesTheRowsNotTheExpandedIndex() {
        // The embedding of 4,096 tokens: the index is recorded expanded to [4096, 4096] int64 (134 MB) but the
        // kernel reads one index per row.
        SimulationRequest r = request(GATHER, List.of(in("input", DataType.BF16, 128256, 4096),
                in("index", DataType.INT64, 4096, 4096)), 4096, 256);
        double bytes = 2.0 * 4096 * 4096 * 2 + 4096 * 8;
        assertThat(MemoryModel.vectorizedGatherTraffic(r)).isEqualTo(bytes);
        Estimate e = MemoryModel.estimate(r, H200);
        assertThat(e.seconds()).isCloseTo(vectorizedTime(bytes), within(1e-15));
        assertThat(MemoryModel.vectorized(r)).isTrue();
    }

    @Test
    void aRowGatheredAgainIsReadOnce() {
        // MoE dispatch: 32,768 slots gather 4,096 token rows; the 16 MB table is read once, the rows written 8 times.
        SimulationRequest r = request(GATHER, List.of(in("input", DataType.BF16, 4096, 2048),
                in("index", DataType.INT64, 32768, 2048)), 32768, 256);
        double written = 32768.0 * 2048 * 2;
        double table = 4096.0 * 2048 * 2;
        assertThat(MemoryModel.vectorizedGatherTraffic(r)).isEqualTo(written + table + 32768 * 8);
    }

    @Test
    void largeIndexSelectIsAChainOfRoundsNotTheBandwidth() {
        // FlowSim trace: 8,192 rows of 7,168 bf16 from a [32320, 7168] table, 1,056 blocks of 128 threads.
        SimulationRequest r = request(SELECT_LARGE, List.of(in("input", DataType.BF16, 32320, 7168),
                in("index", DataType.INT64, 8192)), 1056, 128);
        long rounds = (8192L * 7168 + 1056 * 128 - 1) / (1056 * 128);
        assertThat(rounds).isEqualTo(435);
        Estimate e = MemoryModel.estimate(r, H200);
        assertThat(e.seconds()).isCloseTo(chain(rounds), within(1e-15));
        assertThat(e.model()).isEqualTo("index-loop");
        // Without a recorded launch the launcher's grid (8 blocks per SM) gives the same rounds.
        SimulationRequest noLaunch = request(SELECT_LARGE, r.operands(), 0, 0);
        assertThat(MemoryModel.estimate(noLaunch, H200).seconds()).isEqualTo(e.seconds());
    }

    @Test
    void smallIndexSelectWalksTheIndicesOneAfterTheOther() {
        // Decode embedding: 4 rows of 4,096 over 32 blocks of 128 threads: 4 rounds.
        SimulationRequest r = request(SELECT_SMALL, List.of(in("input", DataType.BF16, 128256, 4096),
                in("index", DataType.INT64, 4)), 32, 128);
        assertThat(MemoryModel.estimate(r, H200).seconds()).isCloseTo(chain(4), within(1e-15));
    }

    @Test
    void aOneRoundIndexAddKeepsTheBandwidthPrice() {
        // 32 slots of 2,048 over 512 blocks: one round, below the family's fixed latency.
        SimulationRequest r = request(ADD_LARGE, List.of(out("output", DataType.BF16, 4, 2048),
                in("index", DataType.INT64, 32), in("input", DataType.BF16, 32, 2048)), 512, 128);
        Estimate e = MemoryModel.estimate(r, H200);
        assertThat(e.model()).isEqualTo("copy");
        assertThat(e.seconds()).isGreaterThan(chain(1));
    }

    private static final String INDEX = "void at::native::index_elementwise_kernel<128, 4, at::native::gpu_index_kernel<"
            + "at::native::index_kernel_impl<at::native::OpaqueType<2> >(...)>(...)";

    @Test
    void advancedIndexingWithoutAnIndexShapeMovesWhatItsLaunchWalks() {
        // x[idx] over [8192, 7168] bf16 with TensorList indices (no index shape), as the FlowSim H200 trace records
        // its last-token gather: 112 blocks of 128 threads x 4 elements = 8 rows, not the whole tensor.
        SimulationRequest r = request(INDEX, List.of(in("self", DataType.BF16, 8192, 7168)), 112, 128);
        assertThat(MemoryModel.indexElementsPerThread(r)).isEqualTo(4);
        assertThat(MemoryModel.indexElementwiseTraffic(r)).isEqualTo(2.0 * 112 * 128 * 4 * 2);
        // One wave: the floor and four rounds of an index load and the element it addresses.
        assertThat(KernelModel.estimate(r, H200).seconds()).isCloseTo(chain(4), within(1e-12));
        // Without a launch the operand count stands and the chain is unknown: the whole tensor at the bandwidth.
        SimulationRequest noLaunch = request(INDEX, List.of(in("self", DataType.BF16, 8192, 7168)), 0, 0);
        assertThat(KernelModel.estimate(noLaunch, H200).seconds()).isGreaterThan(10 * chain(4));
    }

    @Test
    void indexPutBeyondOneWaveWalksItsElementsInWaves() {
        // index_put_ of 8,192 cache rows of 576 bf16: 9,216 blocks of 128 threads, 4.4 times what 132 SMs hold.
        SimulationRequest r = request(INDEX, List.of(in("self", DataType.BF16, 29081174, 1, 576),
                in("values", DataType.BF16, 8192, 1, 576)), 9216, 128);
        long waves = GemmModel.ceilDiv(9216L * 128, H200.smCount() * MemoryModel.THREADS_PER_SM);
        assertThat(waves).isEqualTo(5);
        assertThat(KernelModel.estimate(r, H200).seconds()).isCloseTo(chain(4 * waves), within(1e-12));
    }
}
