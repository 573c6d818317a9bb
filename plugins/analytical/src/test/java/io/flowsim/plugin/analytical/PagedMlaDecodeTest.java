package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FlashInfer's paged MLA run records the whole cache pool and the page list of its batch ({@code kv_indices}), not the
 * cached lengths: the pages give the keys the batch reads (shapes as in the FlowSim H200 trace).
 */
class PagedMlaDecodeTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");

    private static List<Operand> pagedMla(long queries, long pages, long pool) {
        List<Operand> operands = new ArrayList<>(List.of(in("q", DataType.BF16, queries, 32, 512),
                in("q_pe", DataType.BF16, queries, 32, 64), in("kv_cache", DataType.BF16, pool, 1, 512),
                in("kpe_cache", DataType.BF16, pool, 1, 64), out("o", DataType.BF16, queries, 32, 512)));
        if (pages > 0) {
            operands.add(in("kv_indices", DataType.INT32, pages));
        }
        return operands;
    }

    @Test
    void aPageListWithoutAMaskIsADecodeOfOneQueryPerSequenceOverItsPages() {
        Estimate paged = KernelModel.estimate(Requests.kernel(OperationFamily.ATTENTION,
                pagedMla(32, 32_800, 29_081_174), "attention.kind", "mla", "attention.causal", "0"), H200);
        // the same batch told outright: 32 sequences of 1,025 keys
        Estimate told = KernelModel.estimate(Requests.kernel(OperationFamily.ATTENTION,
                pagedMla(32, 0, 32_800), "attention.kind", "mla", "attention.batch", 32, "attention.q_len", 1,
                "attention.kv_len", 1025, "attention.causal", false), H200);
        assertThat(paged.supported()).isTrue();
        assertThat(paged.seconds()).isEqualTo(told.seconds());
        // twice the pages, twice the keys: a longer decode, whatever the pool
        Estimate longer = KernelModel.estimate(Requests.kernel(OperationFamily.ATTENTION,
                pagedMla(32, 65_600, 29_081_174), "attention.kind", "mla", "attention.causal", "0"), H200);
        assertThat(longer.seconds()).isGreaterThan(paged.seconds());
    }

    @Test
    void aCausalPageListWithoutItsSequencesStaysUnsupported() {
        // an extend (mask_mode 1) of 6,145 queries over 7,168 keys: its split into sequences is not recorded
        SimulationRequest extend = Requests.kernel(OperationFamily.ATTENTION, pagedMla(6145, 7168, 29_081_174),
                "attention.kind", "mla", "attention.causal", "1");
        Estimate e = KernelModel.estimate(extend, H200);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("attention.kv_len");
        // without a page list a decode still needs its cached length
        assertThat(KernelModel.estimate(Requests.kernel(OperationFamily.ATTENTION, pagedMla(32, 0, 29_081_174),
                "attention.kind", "mla", "attention.causal", "0"), H200).supported()).isFalse();
    }
}
