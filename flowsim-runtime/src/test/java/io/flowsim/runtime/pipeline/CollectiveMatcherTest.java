package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.Stage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Cross-rank matching on hand-made calls (the same numbers as src/test/resources/handmade/two-rank). */
class CollectiveMatcherTest {

    private static CollectiveKernel k(String collective, String group, long startUs, long durationUs) {
        return new CollectiveKernel("nccl", collective, group, startUs * 1000, durationUs * 1000, -1, Stage.DECODE);
    }

    @Test
    void transferIsTheShortestDurationForAllReduceAndTheLongestForAllToAll() {
        CollectiveMatcher.Report r = CollectiveMatcher.match(List.of(
                new CollectiveMatcher.RankCollectives(0, List.of(k("allreduce", "0", 1000, 50),
                        k("allreduce", "0", 2000, 15), k("alltoall", "0", 3000, 40))),
                new CollectiveMatcher.RankCollectives(1, List.of(k("allreduce", "0", 1030, 20),
                        k("allreduce", "0", 1990, 25), k("alltoall", "0", 3005, 30)))));
        assertThat(r.calls()).hasSize(3);
        assertThat(r.calls()).extracting(CollectiveMatcher.Call::transferNs).containsExactly(20_000L, 15_000L, 40_000L);
        assertThat(r.calls()).extracting(CollectiveMatcher.Call::lastRank).containsExactly(1, 0, 1);
        assertThat(r.calls().get(0).participants()).extracting(CollectiveMatcher.Participant::waitNs)
                .containsExactly(30_000L, 0L);
        assertThat(r.waitByRank()).containsEntry(0, 30_000L).containsEntry(1, 10_000L);
        assertThat(r.collectiveTimeByRank()).containsEntry(0, 105_000L).containsEntry(1, 75_000L);
        assertThat(r.transferNs()).isEqualTo(75_000L);
        assertThat(r.notes()).isEmpty();
        assertThat(r.accuracy()).isEmpty();
    }

    @Test
    void aMismatchStopsMatchingThatGroupAndIsReported() {
        CollectiveMatcher.Report r = CollectiveMatcher.match(List.of(
                new CollectiveMatcher.RankCollectives(0, List.of(k("allreduce", "0", 0, 5), k("allgather", "0", 10, 5))),
                new CollectiveMatcher.RankCollectives(1, List.of(k("allreduce", "0", 0, 7), k("allreduce", "0", 10, 5)))));
        assertThat(r.calls()).hasSize(1);
        assertThat(r.unmatched()).containsEntry(0, 1).containsEntry(1, 1);
        assertThat(r.notes()).anyMatch(n -> n.contains("call 1 is allgather on rank 0, allreduce on rank 1"));
    }

    @Test
    void withoutProcessGroupNamesEachCollectiveIsMatchedByItsOwnOrder() {
        // all-to-all and all-reduce interleave differently on the two ranks (different communicators)
        CollectiveMatcher.Report r = CollectiveMatcher.match(List.of(
                new CollectiveMatcher.RankCollectives(0, List.of(k("alltoall", "", 0, 10), k("allreduce", "", 20, 8))),
                new CollectiveMatcher.RankCollectives(1, List.of(k("allreduce", "", 0, 6), k("alltoall", "", 20, 12)))));
        assertThat(r.calls()).hasSize(2);
        assertThat(r.unmatched().values()).allMatch(v -> v == 0);
    }

    @Test
    void oneRankSaysWaitingCannotBeSeparated() {
        CollectiveMatcher.Report r = CollectiveMatcher.match(List.of(
                new CollectiveMatcher.RankCollectives(0, List.of(k("allreduce", "0", 0, 5)))));
        assertThat(r.calls()).isEmpty();
        assertThat(r.notes()).singleElement().asString().contains("cannot be separated");
    }

    @Test
    void theCollectiveComesFromItsArgumentsOrTheCommunicationRangeOnTheStack() {
        KernelRecord r = KernelRecord.builder(0, "ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t")
                .callStack(List.of("cudaLaunchKernel", "nccl:all_to_all", "record_param_comms",
                        "c10d::alltoall_base_")).linkage(Linkage.unlinked("test")).build();
        ResolvedKernel k = new ResolvedKernel(r, OperationFamily.COLLECTIVE, "", "", "", List.of(), List.of(),
                Resolution.unresolved(), Map.of());
        CollectiveKernel c = CollectiveKernel.of(k, Stage.OTHER, -1);
        assertThat(c.collective()).isEqualTo("alltoall");
        assertThat(c.asymmetric()).isTrue();
        assertThat(CollectiveKernel.normalize("_allgather_base")).isEqualTo("allgather");
        assertThat(Optional.of(CollectiveKernel.normalize("all_reduce"))).contains("allreduce");
    }

    @Test
    void stagesComeFromAnnotationsAsWordsNotFromModuleNames() {
        StageClassifier none = new StageClassifier(Optional.empty());
        assertThat(none.stage(annotated("decode_step_3"))).isEqualTo(Stage.DECODE);
        assertThat(none.stage(annotated("prefill"))).isEqualTo(Stage.PREFILL);
        assertThat(none.stage(annotated("## decoder fp16 None ##"))).isEqualTo(Stage.OTHER);
        assertThat(none.stage(annotated("ProfilerStep#3"))).isEqualTo(Stage.OTHER);
        assertThat(new StageClassifier(Optional.of(Stage.PREFILL)).stage(annotated("decode_step_3")))
                .isEqualTo(Stage.PREFILL);
        assertThat(StageClassifier.annotation(annotated("## forward ##").kernel())).isEqualTo("## forward ##");
        assertThat(StageClassifier.annotation(annotated("ProfilerStep#3").kernel())).isEqualTo("ProfilerStep#3");
        assertThat(StageClassifier.annotation(annotated("nccl:all_reduce").kernel())).isEqualTo("ProfilerStep#1");
    }

    private static ResolvedKernel annotated(String annotation) {
        KernelRecord r = KernelRecord.builder(0, "k").callStack(List.of("cudaLaunchKernel", "aten::mm",
                "nn.Module: Linear_0", "model.py(3): forward", annotation, "ProfilerStep#1")).build();
        return ResolvedKernel.unresolved(r);
    }
}
