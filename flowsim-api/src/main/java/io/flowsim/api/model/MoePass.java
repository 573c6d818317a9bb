package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which GEMM of a fused mixture-of-experts layer a launch of sglang's Triton {@code fused_moe_kernel} runs, and the
 * tile it runs it with, told by its launch grid. The kernel runs twice per layer with the same operands (w1 and w2
 * both given, no {@code moe.stage}): {@code gate_up} (output width N = w1's {@code 2 * intermediate}) then
 * {@code down} (N = the hidden size). Each launch has {@code ceil(padded_rows / BLOCK_M) * ceil(N / BLOCK_N)}
 * programs, {@code padded_rows = slots + experts * (BLOCK_M - 1)} ({@code slots = tokens * top_k}, every expert's
 * rows padded to the tile height), with the tile one of those the kernel is tuned over ({@link #BLOCK_M},
 * {@link #BLOCK_N}).
 *
 * <p>One rule for everyone who needs it: the work count ({@link KernelWork}) counts the pass's GEMM and a
 * backend prices it (the analytical backend with the tile too), so the two cannot disagree on which pass a launch
 * is. Immutable and thread-safe.
 *
 * <p>Experimental: it describes one Triton kernel's launch; another MoE kernel would need its own rule.
 *
 * @param stage  {@link #GATE_UP} or {@link #DOWN} (the {@code moe.stage} values of the two GEMMs)
 * @param blockM the tile's rows ({@code BLOCK_M}), the first of {@link #BLOCK_M} that explains the grid
 * @param blockN the tile's columns ({@code BLOCK_N}), the first of {@link #BLOCK_N} with that {@code blockM}
 *
 * @since 0.13
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record MoePass(String stage, int blockM, int blockN) {

    /** The first GEMM: the gate and up projections (w1). */
    public static final String GATE_UP = "gate_up";
    /** The second GEMM: the down projection (w2). */
    public static final String DOWN = "down";
    /** Row tiles ({@code BLOCK_M}) sglang's fused MoE kernel is tuned over, in the order they are tried. */
    public static final List<Integer> BLOCK_M = List.of(16, 32, 64, 128, 256);
    /** Column tiles ({@code BLOCK_N}) sglang's fused MoE kernel is tuned over, in the order they are tried. */
    public static final List<Integer> BLOCK_N = List.of(32, 64, 128, 256);

    public MoePass {
        Objects.requireNonNull(stage, "stage");
        if (!stage.equals(GATE_UP) && !stage.equals(DOWN)) {
            throw new IllegalArgumentException("stage must be " + GATE_UP + " or " + DOWN + ": " + stage);
        }
        if (blockM <= 0 || blockN <= 0) {
            throw new IllegalArgumentException("tile must be positive: " + blockM + " x " + blockN);
        }
    }

    /**
     * The pass a launch of {@code grid} programs runs: the one whose output width some tile explains exactly, with
     * the first such tile (rows tried before columns); empty when the grid is not positive, no tile explains it, or
     * tiles explain it for both passes.
     *
     * @param grid        the launch's programs (grid volume)
     * @param slots       routed token copies, {@code tokens * top_k}
     * @param experts     experts whose rows are padded (the w1/w2 leading extent)
     * @param gateUpWidth the gate/up GEMM's output width (w1's middle extent)
     * @param hiddenSize  the down GEMM's output width (the hidden size)
     */
    public static Optional<MoePass> ofGrid(long grid, long slots, long experts, long gateUpWidth, long hiddenSize) {
        if (grid <= 0) {
            return Optional.empty();
        }
        MoePass gateUp = null;
        MoePass down = null;
        for (int bm : BLOCK_M) {
            long rows = ceilDiv(slots + experts * (bm - 1L), bm);
            for (int bn : BLOCK_N) {
                if (gateUp == null && rows * ceilDiv(gateUpWidth, bn) == grid) {
                    gateUp = new MoePass(GATE_UP, bm, bn);
                }
                if (down == null && rows * ceilDiv(hiddenSize, bn) == grid) {
                    down = new MoePass(DOWN, bm, bn);
                }
            }
        }
        if ((gateUp == null) == (down == null)) {
            return Optional.empty();
        }
        return Optional.of(gateUp != null ? gateUp : down);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
