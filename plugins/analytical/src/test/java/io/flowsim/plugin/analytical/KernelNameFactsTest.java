package io.flowsim.plugin.analytical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The name facts the models share: the cache gives what the classification gives, for every kernel name of the
 * shared and demo traces and kernels.json, also while it evicts; it stays within its bounds however many names
 * it sees; and the facts of real names are what those kernels are.
 */
class KernelNameFactsTest {

    private static final Path REPO = Paths.get(System.getProperty("flowsim.repo.dir", "../..")).toAbsolutePath()
            .normalize();

    /** The string values of {@code field} in a JSON document (gzip when the name ends in .gz). */
    private static void collect(Path file, Set<String> fields, Set<String> into) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             JsonParser p = new JsonFactory().createParser(in)) {
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                } else if (t == JsonToken.VALUE_STRING && field != null && fields.contains(field)) {
                    into.add(p.getText());
                }
            }
        }
    }

    /** Event names of every trace in reach, and kernels.json's implementations and name patterns. */
    private static List<String> names() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        List<Path> traces = new ArrayList<>();
        try (Stream<Path> s = Files.list(REPO.resolve("demo/traces"))) {
            s.filter(f -> f.toString().endsWith(".json.gz")).sorted().forEach(traces::add);
        }
        Path shared = Paths.get(System.getProperty("flowsim.shared.dir", "../../../shared"), "data/traces");
        if (Files.isDirectory(shared)) {
            try (Stream<Path> s = Files.walk(shared)) {
                s.filter(f -> f.toString().endsWith(".json.gz")).sorted().forEach(traces::add);
            }
        }
        for (Path t : traces) {
            collect(t, Set.of("name"), names);
        }
        collect(REPO.resolve("kernels.json"), Set.of("kernel_implementation", "name_pattern"), names);
        return new ArrayList<>(names);
    }

    @Test
    void theCacheGivesTheClassificationOfEveryKnownNameAlsoWhileItEvicts() throws IOException {
        List<String> names = names();
        assertThat(names).hasSizeGreaterThan(500);
        // small enough that the names pass through it several times over
        KernelNameFacts.Cache small = new KernelNameFacts.Cache(64, 20_000);
        for (int round = 0; round < 2; round++) {
            for (String n : names) {
                KernelNameFacts expected = KernelNameFacts.classify(n);
                assertThat(small.get(n)).as(n).isEqualTo(expected);
                assertThat(KernelNameFacts.of(n)).as(n).isEqualTo(expected);
                // a different String of the same text finds the same facts
                assertThat(KernelNameFacts.of(new String(n.toCharArray()))).as(n).isEqualTo(expected);
            }
        }
        assertThat(small.size()).isBetween(1, 64);
    }

    @Test
    void theCacheStaysWithinItsBounds() {
        KernelNameFacts.Cache cache = new KernelNameFacts.Cache(100, 10_000);
        for (int i = 0; i < 20_000; i++) {
            String name = "void at::native::vectorized_elementwise_kernel<4, Functor" + i + ">(int)";
            assertThat(cache.get(name).vectorizedElementwise()).isTrue();
            assertThat(cache.size()).isLessThanOrEqualTo(100);
            assertThat(cache.chars()).isLessThanOrEqualTo(10_000);
        }
        // a name longer than the whole character budget is classified, not kept
        String huge = "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x256x64_" + "x".repeat(20_000);
        KernelNameFacts.Cache empty = new KernelNameFacts.Cache(100, 10_000);
        assertThat(empty.get(huge).gemm().mode()).isEqualTo(GemmKernelName.MathMode.HALF);
        assertThat(empty.size()).isZero();
        assertThat(empty.chars()).isZero();
    }

    @Test
    void realNamesSayWhatTheirKernelsAre() {
        KernelNameFacts vectorized = KernelNameFacts.of("void at::native::vectorized_elementwise_kernel<4, "
                + "at::native::FillFunctor<c10::BFloat16>, std::array<char*, 1ul> >(int, at::native::FillFunctor<"
                + "c10::BFloat16>, std::array<char*, 1ul>)");
        assertThat(vectorized.vectorizedElementwise()).isTrue();
        assertThat(vectorized.fill()).isTrue();
        assertThat(vectorized.stridedElementwise()).isFalse();
        assertThat(vectorized.gemm().mode()).isEqualTo(GemmKernelName.MathMode.UNSTATED);

        KernelNameFacts index = KernelNameFacts.of("void at::native::index_elementwise_kernel<128, 4, "
                + "at::native::gpu_index_kernel<...> >(long, ...)");
        assertThat(index.indexElementwise()).isTrue();
        assertThat(index.indexElementsPerThread()).isEqualTo(4);
        assertThat(KernelNameFacts.of("void at::native::index_elementwise_kernel<128, 8, f>(long)")
                .indexElementsPerThread()).isEqualTo(8);
        assertThat(KernelNameFacts.of("elementwise").indexElementsPerThread()).isEqualTo(4);

        KernelNameFacts nccl = KernelNameFacts.of("ncclDevKernel_AllGather_RING_LL(ncclDevKernelArgsStorage<4096ul>)");
        assertThat(nccl.collectiveOp()).isEqualTo(CollectiveModel.Op.ALL_GATHER);
        assertThat(nccl.customAllReduce()).isFalse();
        assertThat(KernelNameFacts.of("ncclKernel_AllReduce_RING_LL_Sum_bf16(ncclWorkElem)").collectiveType())
                .isEqualTo(DataType.BF16);
        KernelNameFacts custom = KernelNameFacts.of("void sglang::cross_device_reduce_2stage<__nv_bfloat16, 4>("
                + "sglang::RankData*, sglang::RankSignals, sglang::Signal*, __nv_bfloat16*, int, int)");
        assertThat(custom.customAllReduce()).isTrue();
        assertThat(custom.twoStage()).isTrue();
        assertThat(custom.oneStage()).isFalse();

        KernelNameFacts cutlass = KernelNameFacts.of("cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4");
        assertThat(cutlass.cutlass()).isTrue();
        assertThat(cutlass.gemm().mode()).isEqualTo(GemmKernelName.MathMode.TF32);
        assertThat(cutlass.gemm().tileM()).isEqualTo(64);
    }

    @Test
    void cubsScanByKeyIsATopkKernelOnlyUnderATopk() {
        String scan = "void cub::CUB_200200_800_900_NS::DeviceScanByKeyKernel<Policy, int*, int*, int*, int*, "
                + "cub::ReduceByKeyScanTileState<int, int, true>, cub::Equality, cub::Sum, int, int, int>(...)";
        assertThat(TopkKernel.role(request(scan, "topk"))).isEqualTo(TopkKernel.Role.BLOCK_SCAN);
        assertThat(TopkKernel.role(request(scan, "cumsum"))).isEqualTo(TopkKernel.Role.NONE);
        String gather = "void at::native::mbtopk::gatherTopK<float, unsigned int, 2>(...)";
        assertThat(TopkKernel.role(request(gather, "topk"))).isEqualTo(TopkKernel.Role.GATHER);
        assertThat(TopkKernel.role(request(gather, ""))).isEqualTo(TopkKernel.Role.GATHER);
    }

    private static SimulationRequest request(String name, String op) {
        return new SimulationRequest(name, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.REDUCTION, op,
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }
}
