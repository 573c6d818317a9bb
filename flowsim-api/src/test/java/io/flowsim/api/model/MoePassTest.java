package io.flowsim.api.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which GEMM of a fused MoE layer a {@code fused_moe_kernel} launch runs, by its grid. The launches are those of the
 * FlowSim H200 trace (DeepSeek at TP4: 257 experts, w1 [257, 1024, 7168], hidden 7,168, top-9).
 */
class MoePassTest {

    @Test
    void theTracesGridsAreTheirPassesWithTheTileThatExplainsThem() {
        // 32 tokens x 9 = 288 slots; 16-row tiles: ceil((288 + 257 * 15) / 16) = 259 row blocks, times 1024 / 32 = 32
        // column blocks of gate_up or 7168 / 32 = 224 of down
        assertThat(MoePass.ofGrid(8288, 288, 257, 1024, 7168)).contains(new MoePass(MoePass.GATE_UP, 16, 32));
        assertThat(MoePass.ofGrid(58_016, 288, 257, 1024, 7168)).contains(new MoePass(MoePass.DOWN, 16, 32));
        // 1,024 tokens (9,216 slots), 64 x 64 tiles: ceil((9216 + 257 * 63) / 64) = 397 row blocks x 112 of down
        assertThat(MoePass.ofGrid(44_464, 9216, 257, 1024, 7168)).contains(new MoePass(MoePass.DOWN, 64, 64));
    }

    @Test
    void aGridNoTileOrBothPassesExplainTellsNothing() {
        assertThat(MoePass.ofGrid(1000, 288, 257, 1024, 7168)).isEmpty();
        assertThat(MoePass.ofGrid(0, 288, 257, 1024, 7168)).isEmpty();
        assertThat(MoePass.ofGrid(-8288, 288, 257, 1024, 7168)).isEmpty();
        // gate_up as wide as the hidden size: every grid one pass explains the other explains too
        assertThat(MoePass.ofGrid(8288, 288, 257, 1024, 1024)).isEmpty();
    }

    @Test
    void aPassIsOneOfTheTwoGemmsWithAPositiveTile() {
        assertThat(MoePass.BLOCK_M).contains(16, 256);
        assertThat(MoePass.BLOCK_N).contains(32, 256);
        assertThatThrownBy(() -> new MoePass("fused", 16, 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fused");
        assertThatThrownBy(() -> new MoePass(MoePass.DOWN, 0, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MoePass(null, 16, 32)).isInstanceOf(NullPointerException.class);
    }
}
