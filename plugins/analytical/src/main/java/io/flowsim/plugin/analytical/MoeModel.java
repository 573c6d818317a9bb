package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.MoePass;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Fused mixture-of-experts layers (sglang/vLLM Triton {@code fused_moe_kernel}, CUTLASS grouped
 * GEMMs). The {@code num_tokens * top_k} routed token copies are spread over the experts by the
 * routing distribution (balanced, uniform random, or power law); each expert this GPU holds that
 * receives tokens is an independent GEMM whose rows are padded to the kernel's tile height. The
 * kernel reads every active expert's weights once (the memory term, which dominates small batches)
 * and computes the padded tiles in waves over the SMs (the compute term). A layer without a stage
 * attribute is both GEMM passes plus the activation between them.
 */
final class MoeModel {

    private static final int BLOCK_N = 128;

    private MoeModel() {
    }

    /** The MoE layer. */
    record Problem(long tokens, long hidden, long topK, long localExperts, long globalExperts, long gateUpN,
                   long downK, DataType activationType, DataType weightType, String distribution, long epSize) {
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        if (!RequestView.hasShapes(r)) {
            return Estimate.unsupported("no operand shapes");
        }
        String stage = lower(RequestView.text(r, Attributes.MOE_STAGE.name()));
        Operand hiddenOp = RequestView.operand(r, "hidden", "hidden_states", "input", "x", "a");
        Operand w1 = RequestView.operand(r, "w1", "w13", "w13_weight", "gate_up_weight");
        Operand w2 = RequestView.operand(r, "w2", "w2_weight", "down_weight");
        Operand ids = RequestView.operand(r, "topk_ids", "topk_weights");
        if ("routing".equals(stage) || "align".equals(stage) || (w1 == null && w2 == null)) {
            return MemoryModel.routing(r, hw);
        }
        if ("reduce".equals(stage)) {
            return reduce(r, hiddenOp, ids, hw);
        }
        if (hiddenOp == null || hiddenOp.shape().isEmpty()) {
            return Estimate.unsupported("a MoE layer needs hidden [num_tokens, hidden] (docs/operand-conventions.md)");
        }
        double topKAttr = RequestView.number(r, Attributes.MOE_TOP_K.name(), ids != null ? RequestView.dimFromEnd(ids, 1) : 0);
        if (Double.isNaN(topKAttr) || topKAttr < 1) {
            return Estimate.unsupported("a MoE layer needs moe.top_k or a topk_ids [num_tokens, top_k] operand");
        }
        long tokens = RequestView.leading(hiddenOp, 1);
        long hidden = RequestView.dimFromEnd(hiddenOp, 1);
        Operand anyWeight = w1 != null ? w1 : w2;
        if (anyWeight.shape().size() != 3) {
            return Estimate.unsupported("expert weights must be [num_experts, out, in], got " + anyWeight.shape());
        }
        long localExperts = anyWeight.shape().get(0);
        double globalAttr = RequestView.number(r, Attributes.MOE_NUM_EXPERTS.name(), localExperts);
        long globalExperts = Double.isNaN(globalAttr) ? localExperts : Math.max(localExperts, Math.round(globalAttr));
        long gateUpN = w1 != null ? RequestView.dimFromEnd(w1, 2) : 2 * RequestView.dimFromEnd(w2, 1);
        long downK = w2 != null ? RequestView.dimFromEnd(w2, 1) : RequestView.dimFromEnd(w1, 2) / 2;
        DataType weightType = anyWeight.dataType();
        DataType activationType = hiddenOp.dataType();
        if (activationType == DataType.UNKNOWN) {
            activationType = DataType.BF16;
        }
        if (weightType == DataType.UNKNOWN) {
            weightType = activationType;
        }
        String distribution = lower(RequestView.text(r, Attributes.MOE_DISTRIBUTION.name()));
        double ep = RequestView.number(r, Attributes.MOE_EP_SIZE.name(), 1);
        if (Double.isNaN(ep) || ep < 1) {
            return Estimate.unsupported("attribute moe.ep_size must be a number >= 1");
        }
        Problem p = new Problem(tokens, hidden, Math.round(topKAttr), localExperts, globalExperts, gateUpN, downK,
                activationType, weightType, distribution == null ? "uniform" : distribution, Math.round(ep));
        double[] loads = loads(p);
        if (loads == null) {
            return Estimate.unsupported("unknown moe.distribution '" + distribution
                    + "' (balanced, uniform or power_law_<alpha>)");
        }
        int[] tile = null;
        if (w1 != null && w2 != null && r.launch().isPresent()) {
            MoePass launch = inferStage(r.launch().get(), p);
            if (stage == null && launch == null) {
                return Estimate.unsupported("cannot tell which pass of the MoE layer this launch is (grid "
                        + r.launch().get().grid() + "); the resolver should set moe.stage");
            }
            if (launch != null && (stage == null || stage.equals(launch.stage()))) {
                stage = launch.stage();
                tile = new int[] {launch.blockM(), launch.blockN()};
            }
        }
        double masked = maskedSlots(p, loads);
        if ("gate_up".equals(stage) || "down".equals(stage)) {
            boolean gateUp = "gate_up".equals(stage);
            return pass(p, loads, masked, gateUp ? p.gateUpN : p.hidden, gateUp ? p.hidden : p.downK, tile, hw);
        }
        if (stage != null && !"fused".equals(stage)) {
            return Estimate.unsupported("unknown moe.stage '" + stage
                    + "' (gate_up, down, fused, routing, align, reduce)");
        }
        Estimate first = pass(p, loads, masked, p.gateUpN, p.hidden, null, hw);
        if (!first.supported()) {
            return first;
        }
        Estimate second = pass(p, loads, masked, p.hidden, p.downK, null, hw);
        double routed = sum(loads) + masked;
        double activationBytes = routed * (p.gateUpN + p.downK) * p.activationType.bytes();
        Estimate activation = MemoryModel.bandwidthBound(activationBytes, hw, Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                Param.ELEMENTWISE_FIXED_LATENCY_US, "moe-activation");
        return Estimate.of(first.seconds() + second.seconds() + activation.seconds(), "moe-layer", first.bound());
    }

    /**
     * The top-k reduction after the down projection: read {@code [tokens, top_k, hidden]} expert
     * outputs, write {@code [tokens, hidden]}; bandwidth-bound like an elementwise kernel.
     */
    static Estimate reduce(SimulationRequest r, Operand hiddenOp, Operand ids, HardwareProfile hw) {
        if (hiddenOp == null || hiddenOp.shape().isEmpty()) {
            return Estimate.unsupported("a MoE reduce needs hidden [num_tokens, hidden] (docs/operand-conventions.md)");
        }
        double topK = RequestView.number(r, Attributes.MOE_TOP_K.name(), ids != null ? RequestView.dimFromEnd(ids, 1) : 0);
        if (Double.isNaN(topK) || topK < 1) {
            return Estimate.unsupported("a MoE reduce needs moe.top_k or a topk_ids [num_tokens, top_k] operand");
        }
        DataType type = hiddenOp.dataType() == DataType.UNKNOWN ? DataType.BF16 : hiddenOp.dataType();
        double bytes = (double) RequestView.leading(hiddenOp, 1) * RequestView.dimFromEnd(hiddenOp, 1)
                * (topK + 1) * type.bytes();
        return MemoryModel.bandwidthBound(bytes, hw, Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                Param.ELEMENTWISE_FIXED_LATENCY_US, "moe-reduce");
    }

    /**
     * One grouped GEMM pass: out[n] = act[k] x W[n, k] for every routed slot. Each active expert's
     * rows are padded to the tile height; masked slots (expert parallelism without dispatch) add
     * rows but no weights. An expert's weights are read once if they fit in L2 beside the other
     * work, else once per row tile.
     */
    static Estimate pass(Problem p, double[] loads, double masked, long n, long k, int[] tile, HardwareProfile hw) {
        DataType compute = p.weightType.bits() >= p.activationType.bits() ? p.weightType : p.activationType;
        boolean narrow = compute.bits() <= 8;
        if (p.weightType.bits() < 8 && p.activationType.bits() >= 16) {
            compute = p.activationType;
            narrow = false;
        }
        String precision = HardwareProfile.precisionOf(compute);
        OptionalDouble peak = hw.peakFlops(precision);
        if (peak.isEmpty()) {
            return Estimate.unsupported(hw.id() + " has no " + precision + " tensor-core peak for MoE");
        }
        int sms = hw.smCount();
        // The launch grid, when it reveals the tile, beats the typical tile of a tuned configuration.
        double blockM = tile != null ? tile[0] : Math.floor(hw.get(Param.MOE_BLOCK_M));
        double blockN = tile != null ? tile[1] : BLOCK_N;
        double expertBytes = (double) n * k * p.weightType.bytes();
        double l2 = Math.max(1, hw.l2CacheMib() * (1 << 20) * hw.get(Param.MOE_L2_REUSE));
        double rereadShare = Math.min(1, expertBytes / l2);
        double rowTiles = masked > 0 ? Math.ceil(masked / blockM) : 0;
        double weightBytes = 0;
        double rows = masked;
        for (double load : loads) {
            if (load > 0) {
                double tiles = Math.ceil(load / blockM);
                rowTiles += tiles;
                weightBytes += expertBytes * (1 + (tiles - 1) * rereadShare);
                rows += load;
            }
        }
        double fixed = hw.get(Param.MOE_FIXED_LATENCY_US) * 1e-6;
        if (rows <= 0) {
            return Estimate.of(fixed, "moe-gemm", "latency");
        }
        double tiles = rowTiles * Math.ceil(n / blockN);
        double perSm = peak.getAsDouble() / sms
                * hw.get(narrow ? Param.MOE_FP8_COMPUTE_EFFICIENCY : Param.MOE_COMPUTE_EFFICIENCY);
        double waves = Math.ceil(tiles / sms);
        double computeTime = waves * 2.0 * blockM * blockN * (k + hw.get(Param.MOE_TILE_OVERHEAD_K)) / perSm;
        double bytes = weightBytes + rows * k * (narrow ? 1 : p.activationType.bytes()) + rows * n * 2.0;
        double busy = Math.max(1, Math.min(tiles, sms)) / sms;
        double bandwidth = hw.hbmBytesPerSecond() * hw.get(Param.MOE_MEMORY_EFFICIENCY)
                * Math.min(1.0, busy / hw.get(Param.MOE_BANDWIDTH_SATURATION));
        double memoryTime = bytes / bandwidth;
        return Estimate.of(fixed + RequestView.pnorm(computeTime, memoryTime, hw.get(Param.MOE_ROOFLINE_SHARPNESS)),
                "moe-gemm", computeTime >= memoryTime ? "compute" : "memory");
    }

    /**
     * Slots this GPU computes although they are routed to experts elsewhere: with expert
     * parallelism without token dispatch (every GPU sees every token, {@code moe.ep_size > 1}), a token
     * with at least one local expert brings all its top-k slots, the remote ones masked.
     */
    static double maskedSlots(Problem p, double[] loads) {
        if (p.epSize <= 1) {
            return 0;
        }
        double picks = (double) p.tokens * p.topK;
        double local = 0;
        for (double l : loads) {
            local += l;
        }
        double share = local / picks;
        double present = p.distribution.equals("balanced") ? Math.min(1, share * p.topK)
                : 1 - Math.pow(1 - share, p.topK);
        return Math.max(0, p.tokens * present * p.topK - local);
    }

    /**
     * Expected routed tokens per expert this GPU holds (length {@code localExperts}); null for an
     * unknown distribution.
     */
    static double[] loads(Problem p) {
        int local = (int) Math.min(p.localExperts, 1 << 16);
        double picks = (double) p.tokens * p.topK;
        double shareOfPicks = picks * p.localExperts / p.globalExperts;
        double[] loads = new double[local];
        String d = p.distribution;
        if (d.equals("balanced")) {
            // Every token picks top_k distinct experts in a stride pattern: as many experts as picks.
            double activeGlobal = Math.min(p.globalExperts, picks);
            double activeLocal = Math.max(1, Math.round(activeGlobal * p.localExperts / p.globalExperts));
            for (int i = 0; i < Math.min(local, activeLocal); i++) {
                loads[i] = shareOfPicks / activeLocal;
            }
            return loads;
        }
        if (d.equals("uniform") || d.equals("random")) {
            double activeGlobal = p.globalExperts * (1 - Math.pow(1 - 1.0 / p.globalExperts, picks));
            double activeLocal = Math.max(1, Math.round(activeGlobal * p.localExperts / p.globalExperts));
            for (int i = 0; i < Math.min(local, activeLocal); i++) {
                loads[i] = shareOfPicks / activeLocal;
            }
            return loads;
        }
        if (d.startsWith("power_law")) {
            double alpha;
            try {
                alpha = Double.parseDouble(d.substring("power_law".length()).replace("_", "").trim());
            } catch (NumberFormatException e) {
                return null;
            }
            return powerLaw(p, alpha, local);
        }
        return null;
    }

    /**
     * Expert loads drawn from a power law with exponent {@code alpha} (Pareto quantiles, normalised to
     * the number of picks, as load generators for MoE benchmarks do), capped at one pick per token and
     * expert; this GPU holds every {@code ep}-th expert of the sorted list, starting with the largest.
     */
    static double[] powerLaw(Problem p, double alpha, int local) {
        int experts = (int) Math.min(p.globalExperts, 1 << 16);
        double picks = (double) p.tokens * p.topK;
        double xmin = picks > experts ? 1 : 0.01;
        double xmax = picks > experts ? Math.max(1.0001, p.tokens * 0.8) : 2;
        double[] all = new double[experts];
        double total = 0;
        for (int i = 0; i < experts; i++) {
            double u = (i + 0.5) / experts;
            double x;
            if (Math.abs(alpha - 1) < 1e-9) {
                x = xmin * Math.pow(xmax / xmin, u);
            } else {
                double a = Math.pow(xmax, 1 - alpha);
                double b = Math.pow(xmin, 1 - alpha);
                x = Math.pow((a - b) * u + b, 1 / (1 - alpha));
            }
            all[i] = x;
            total += x;
        }
        for (int i = 0; i < experts; i++) {
            all[i] = Math.min(p.tokens, Math.round(all[i] / total * picks));
        }
        Arrays.sort(all);
        double[] loads = new double[local];
        long step = Math.max(1, p.globalExperts / Math.max(1, p.localExperts));
        for (int i = 0; i < local; i++) {
            long index = experts - 1 - i * step;
            loads[i] = index >= 0 ? all[(int) index] : 0;
        }
        return loads;
    }

    /**
     * A fused MoE layer runs its two GEMM passes as two launches of one kernel with the same operands; the launch
     * grid tells them apart, by the API's rule ({@link MoePass#ofGrid}, which the work count uses too, so the pass
     * priced here is the pass counted in the efficiency columns). Returns the pass and its tile when exactly one pass
     * explains the grid, else null.
     */
    static MoePass inferStage(LaunchConfig launch, Problem p) {
        if (launch == null) {
            return null;
        }
        return MoePass.ofGrid(launch.grid().volume(), p.tokens * p.topK, p.localExperts, p.gateUpN, p.hidden)
                .orElse(null);
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
