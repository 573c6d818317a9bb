package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The work a kernel does, counted from its operands alone (independent of any simulator): the
 * floating-point operations and the bytes it must move at least once. One place for every module:
 * the runtime's efficiency figures, exporters and backends all count the same way
 * (docs/output-formats.md, "Efficiency").
 *
 * <ul>
 *   <li>gemm / bmm: {@code 2·batch·M·N·K} FLOPs; bytes of A, B, bias and the output C; fp32 operands
 *       whose kernel name says TF32 tensor cores (cuBLAS/CUTLASS {@code tf32}, {@code s1688gemm},
 *       {@code s16816gemm}) compute in {@link DataType#TF32}; a split-K reduction (cuBLAS
 *       {@code splitKreduce_kernel}, launched after the GEMM with the GEMM's operands) only what it must
 *       do at least: one fp32 add per element of C, two fp32 partial sums read and C written;</li>
 *   <li>attention: {@code 2·heads·q_tokens·kv_len·(d_qk + d_v)} FLOPs (half for a causal prefill whose
 *       queries are its keys), the sequences from {@code attention.batch} or a {@code [batch + 1]} offsets
 *       operand ({@code qo_indptr}, {@link #raggedBatch}); bytes of every operand. A paged cache operand
 *       ({@link OperandRoles#PAGED_CACHES}) is the whole pool: the kernel reads the pages its page list
 *       ({@link OperandRoles#KV_INDICES}) names, so these count, at the pool's bytes per page, and give the keys
 *       ({@link #pagedKeys}; {@code kv_len} = pages · page size / batch); without the batch's offsets only a
 *       kernel without a causal mask is counted, at one query per sequence (decode; the fewest scores any split
 *       gives). A cache without {@code attention.kv_len} or a page list is unknown work, not the pool;</li>
 *   <li>moe: the expert GEMMs of the stage ({@code gate_up}: {@code 2·T·top_k·2I·H}; {@code down}:
 *       {@code 2·T·top_k·H·I}; {@code fused}: both), the weights of the experts the tokens reach (all that
 *       {@code T·top_k} slots can reach under {@code moe.distribution = balanced}, else the expected number under
 *       uniform routing) and each slot's input and output rows. Without {@code moe.stage}, a launch of a kernel given
 *       both {@code w1} and {@code w2} is one of the two GEMMs (sglang's {@code fused_moe_kernel} runs twice per layer
 *       with the same operands), told by its grid ({@link MoePass}), and unknown work when the grid does not tell;
 *       the top-k sum ({@code reduce}) reads {@code T·top_k·H} and writes {@code T·H} elements, one add each
 *       read;</li>
 *   <li>collectives: the message (the larger of the input and output elements times the element
 *       size), and the bytes each GPU's link carries in a ring ({@code 2(n-1)/n} of it for an
 *       all-reduce, {@code (n-1)/n} for gathers, scatters and all-to-all, all of it otherwise);</li>
 *   <li>memcpy / memset: the bytes moved;</li>
 *   <li>fbgemm_gpu's quantizers and sparse-feature permutes (the op mappings of {@link FbgemmTraffic#OP_MAPPINGS}):
 *       the bytes of {@link FbgemmTraffic} (their outputs are not recorded), and FLOPs as for everything else;</li>
 *   <li>a multi-tensor kernel ({@code multi_tensor_apply_kernel}) whose operands give no bytes (its TensorLists
 *       record no shapes): the bound of {@link MultiTensorApplyTraffic}, a full chunk per block of its grid, one FLOP
 *       per element;</li>
 *   <li>everything else: one FLOP per element of the largest operand (none for copies), and the
 *       bytes read and written as the analytical backend counts them: gathers and scatters move only
 *       the indexed rows (PyTorch's {@code vectorized_gather_kernel} one index per row; an
 *       {@code index_elementwise_kernel} at most the elements its launch covers), a rotary embedding over a
 *       cos/sin cache the rows of its positions, copies what they write (twice; a type-converting copy its source
 *       and its target), other kernels their inputs and outputs (an operand read or written,
 *       {@link Direction#UNKNOWN}, once).</li>
 * </ul>
 *
 * <p>The rules a backend prices by too are public functions here ({@link #memoryTraffic},
 * {@link #vectorizedGatherTraffic}, {@link #indexElementwiseTraffic}, {@link #rotaryTraffic}, {@link #pagedKeys},
 * {@link #raggedBatch}, {@link #tf32Kernel}), beside {@link FbgemmTraffic}, {@link MoePass},
 * {@link OperandRoles#PAGED_CACHES} and {@link OperandRoles#BATCH_OFFSETS}: the work a kernel does is a property of
 * the operation, not of a simulator, so each rule is written once, in the API, and the analytical backend calls it
 * rather than keep a copy that could drift from the efficiency columns.
 *
 * @param flops        floating-point (or integer) operations; 0 when none or unknown
 * @param bytes        bytes read and written from and to device memory; 0 when unknown
 * @param networkBytes bytes that cross the GPU-to-GPU link (collectives only; else 0)
 * @param computeType  the element type the arithmetic runs in (picks the peak FLOP/s)
 * @param known        whether the operands told enough to count anything
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record KernelWork(double flops, double bytes, double networkBytes, DataType computeType, boolean known) {

    /** The work of a kernel whose operands say nothing. */
    public static final KernelWork UNKNOWN = new KernelWork(0, 0, 0, DataType.UNKNOWN, false);

    public KernelWork {
        Objects.requireNonNull(computeType, "computeType");
        if (!(flops >= 0) || !(bytes >= 0) || !(networkBytes >= 0)) {
            throw new IllegalArgumentException("work must be finite and non-negative: " + flops + " FLOPs, " + bytes
                    + " bytes, " + networkBytes + " network bytes");
        }
    }

    /** Whether the kernel is a collective (its limit is the link, not the device). */
    public boolean network() {
        return networkBytes > 0;
    }

    /** Counts the work of a resolved kernel from its operands, collective arguments or transfer. */
    public static KernelWork of(ResolvedKernel k) {
        KernelRecord r = k.kernel();
        if (r.kind() != KernelKind.KERNEL) {
            return r.transfer().map(t -> t.bytes() > 0
                    ? new KernelWork(0, t.bytes(), 0, DataType.UINT8, true) : UNKNOWN).orElse(UNKNOWN);
        }
        try {
            Optional<FbgemmTraffic> fbgemm = r.category() == KernelCategory.COMMUNICATION ? Optional.empty()
                    : FbgemmTraffic.of(k.opMapping(), r.name(), k.operands());
            if (fbgemm.isPresent()) {
                return fbgemm(k.family(), k.operands(), fbgemm.get());
            }
            return switch (k.family()) {
                case GEMM, BMM -> gemm(k.operands(), r.name());
                case ATTENTION -> attention(k.operands(), k.attributes());
                case MOE -> moe(k.operands(), k.attributes(), r.launch());
                case COLLECTIVE -> collective(r.collective(), k.operands(), k.attributes());
                default -> memoryBound(k.family(), k.operands(), r.name(), r.launch());
            };
        } catch (ArithmeticException | IndexOutOfBoundsException | NumberFormatException e) {
            return UNKNOWN;
        }
    }

    /**
     * An fbgemm_gpu quantizer or sparse-feature permute: the bytes of {@link FbgemmTraffic}, one FLOP per element of
     * the largest operand (none for copies) as for other bandwidth-bound kernels; unknown work when the operands do
     * not tell the traffic.
     */
    private static KernelWork fbgemm(OperationFamily family, List<Operand> operands, FbgemmTraffic traffic) {
        if (!traffic.known() || traffic.bytes() <= 0) {
            return UNKNOWN;
        }
        Operand largest = largestOperand(operands);
        double flops = family == OperationFamily.COPY || family == OperationFamily.MEMSET || largest == null ? 0
                : largest.elementCount();
        return new KernelWork(flops, traffic.bytes(), 0, largest == null ? DataType.UNKNOWN : largest.dataType(), true);
    }

    /** The first usable operand with the most elements (none empty), or null. */
    private static Operand largestOperand(List<Operand> operands) {
        Operand largest = null;
        for (Operand o : operands) {
            if (usable(o) && o.elementCount() > (largest == null ? 0 : largest.elementCount())) {
                largest = o;
            }
        }
        return largest;
    }

    private static Optional<Operand> operand(List<Operand> operands, String name) {
        // a loop, not a stream: the memory-bound models ask this several times per kernel
        for (Operand o : operands) {
            if (o.name().equals(name)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static boolean usable(Operand o) {
        return !o.shape().isEmpty() && o.dataType() != DataType.UNKNOWN;
    }

    private static double sumBytes(List<Operand> operands) {
        double total = 0;
        for (Operand o : operands) {
            if (usable(o)) {
                total += o.bytes();
            }
        }
        return total;
    }

    /**
     * cuBLAS and CUTLASS names of GEMMs (and CUTLASS's implicit-GEMM convolutions) that run fp32 operands on TF32
     * tensor cores: {@code tf32}, the {@code m16n8k8}/{@code m16n8k16} TF32 MMA tags.
     */
    private static final java.util.regex.Pattern TF32_KERNEL = java.util.regex.Pattern.compile(
            "tf32|_s1688gemm|_s16816gemm|_s1688(?:fprop|dgrad|wgrad)|_s16816(?:fprop|dgrad|wgrad)");

    /**
     * Whether a kernel's name (before its arguments, in any case) says it runs fp32 operands on TF32 tensor cores
     * ({@code allow_tf32}): {@code tf32} (cuBLAS's {@code sm80_xmma_gemm_f32f32_tf32f32_f32...}), CUTLASS's
     * {@code s1688gemm} / {@code s16816gemm} and its convolutions' {@code s1688fprop}, {@code dgrad}, {@code wgrad}.
     * The work count computes such a GEMM in {@link DataType#TF32}; a backend that reads the math mode from the name
     * asks the same question here.
     *
     * @since 0.13
     */
    public static boolean tf32Kernel(String kernelName) {
        String n = Objects.requireNonNull(kernelName, "kernelName").toLowerCase(java.util.Locale.ROOT);
        int args = n.indexOf('(');
        return TF32_KERNEL.matcher(args > 0 ? n.substring(0, args) : n).find();
    }

    /** The type a GEMM computes in: its operands', TF32 when fp32 operands run on TF32 tensor cores. */
    private static DataType gemmComputeType(DataType operands, String kernelName) {
        return operands == DataType.FP32 && tf32Kernel(kernelName) ? DataType.TF32 : operands;
    }

    /** Whether the kernel (by the name before its arguments) is cuBLAS's reduction of split-K partial sums. */
    private static boolean splitKReduction(String kernelName) {
        int args = kernelName.indexOf('(');
        String head = args > 0 ? kernelName.substring(0, args) : kernelName;
        return head.toLowerCase(java.util.Locale.ROOT).contains("splitkreduce");
    }

    private static KernelWork gemm(List<Operand> operands, String kernelName) {
        Optional<Operand> a = operand(operands, "A");
        Optional<Operand> b = operand(operands, "B");
        if (a.isEmpty() || b.isEmpty() || a.get().shape().size() < 2 || b.get().shape().size() < 2) {
            return UNKNOWN;
        }
        List<Long> as = a.get().shape();
        List<Long> bs = b.get().shape();
        double m = as.get(as.size() - 2);
        double kk = as.get(as.size() - 1);
        double n = bs.get(bs.size() - 1);
        double batch = Math.max(leading(as), leading(bs));
        DataType type = a.get().dataType() == DataType.UNKNOWN ? b.get().dataType() : a.get().dataType();
        if (splitKReduction(kernelName)) {
            // the reduction after a split-K GEMM: it adds the fp32 partial sums of at least two K slices
            // and writes C; the GEMM's operands and multiply-adds belong to the GEMM kernel before it
            double outBytes = operand(operands, "C").filter(KernelWork::usable)
                    .map(c -> (double) c.dataType().bytes()).orElse((double) type.bytes());
            return new KernelWork(batch * m * n, batch * m * n * (2 * DataType.FP32.bytes() + outBytes), 0,
                    DataType.FP32, true);
        }
        double flops = 2 * batch * m * n * kk;
        double bytes = 0;
        boolean output = false;
        for (Operand o : operands) {
            if (!usable(o)) {
                continue;
            }
            bytes += o.bytes();
            output |= o.name().equals("C");
        }
        if (!output) {
            bytes += batch * m * n * type.bytes();
        }
        return new KernelWork(flops, bytes, 0, gemmComputeType(type, kernelName), true);
    }

    /** The product of all but the last two extents (1 for a matrix). */
    private static double leading(List<Long> shape) {
        double p = 1;
        for (int i = 0; i < shape.size() - 2; i++) {
            p *= shape.get(i);
        }
        return p;
    }

    private static double number(Map<String, String> attributes, String key, double fallback) {
        String v = attributes.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        return Double.parseDouble(v.trim());
    }

    /** {@code true}, {@code yes} or {@code 1}; {@code false}, {@code no} or {@code 0}; else the fallback. */
    private static boolean flag(Map<String, String> attributes, String key, boolean fallback) {
        String v = attributes.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> fallback;
        };
    }

    /**
     * The paged cache operand of an attention kernel: the first of {@link OperandRoles#PAGED_CACHES}, in that order,
     * that has a shape and a known element type. A name recorded without either gives way to the next, so the work
     * count and a backend that reads the cache's pages, heads and type read the same pool.
     *
     * @param operands the kernel's operands
     * @return the cache; empty when no operand of those names is usable
     * @since 0.14
     */
    public static Optional<Operand> pagedCache(List<Operand> operands) {
        Objects.requireNonNull(operands, "operands");
        for (String name : OperandRoles.PAGED_CACHES) {
            Optional<Operand> o = operand(operands, name);
            if (o.isPresent() && usable(o.get())) {
                return o;
            }
        }
        return Optional.empty();
    }

    /**
     * The keys in the pages of a paged cache that a batch's sequences use: the entries of the page list
     * ({@link OperandRoles#KV_INDICES}, {@code [num_pages]}) times the tokens of a page, the middle extent of a
     * {@code [pages, page_size, dim]} cache (FlashInfer's MLA layout). The work count counts these keys (and the pages'
     * bytes) and a backend prices them, so the two read a pool the same way. Saturates at {@link Long#MAX_VALUE}.
     *
     * @param cache    the paged cache operand (one of {@link OperandRoles#PAGED_CACHES}), the whole pool as recorded
     * @param operands the kernel's operands, where the page list is looked up
     * @return the keys; empty when there is no one-dimensional page list or the cache has another layout (whose shape
     *         does not tell its page size)
     * @since 0.13
     */
    public static OptionalLong pagedKeys(Operand cache, List<Operand> operands) {
        Objects.requireNonNull(cache, "cache");
        Optional<Operand> pages = operand(Objects.requireNonNull(operands, "operands"), OperandRoles.KV_INDICES);
        if (pages.isEmpty() || pages.get().shape().size() != 1 || cache.shape().size() != 3) {
            return OptionalLong.empty();
        }
        long count = pages.get().shape().get(0);
        long pageSize = cache.shape().get(1);
        return OptionalLong.of(count > 0 && pageSize > Long.MAX_VALUE / count ? Long.MAX_VALUE : count * pageSize);
    }

    /**
     * The number of sequences of a ragged batch, from the first of its offsets operands
     * ({@link OperandRoles#BATCH_OFFSETS}) that is a {@code [batch + 1]} vector of at least two entries. The work count
     * and a backend read a packed {@code [tokens, heads, dim]} batch's sequences by it.
     *
     * @param operands the kernel's operands
     * @return the sequences; empty when no offsets operand tells them
     * @since 0.13
     */
    public static OptionalLong raggedBatch(List<Operand> operands) {
        Objects.requireNonNull(operands, "operands");
        for (String name : OperandRoles.BATCH_OFFSETS) {
            Optional<Operand> o = operand(operands, name);
            if (o.isPresent() && o.get().shape().size() == 1 && o.get().shape().get(0) > 1) {
                return OptionalLong.of(o.get().shape().get(0) - 1);
            }
        }
        return OptionalLong.empty();
    }

    private static KernelWork attention(List<Operand> operands, Map<String, String> attributes) {
        Optional<Operand> q = operand(operands, "q").or(() -> operand(operands, "q_nope"));
        if (q.isEmpty() || q.get().shape().size() < 3) {
            return memoryBound(OperationFamily.ATTENTION, operands);
        }
        List<Long> qs = q.get().shape();
        double tokens;
        double heads;
        double headDim;
        double batch;
        boolean batchKnown = true;
        if (qs.size() == 4) {
            // SDPA's [batch, heads, seq, head_dim]
            batch = qs.get(0);
            heads = qs.get(1);
            tokens = (double) qs.get(0) * qs.get(2);
            headDim = qs.get(3);
        } else {
            tokens = qs.get(0);
            heads = qs.get(1);
            headDim = qs.get(qs.size() - 1);
            batch = number(attributes, "attention.batch", Double.NaN);
            if (Double.isNaN(batch)) {
                // a ragged batch's offsets [batch + 1], as the analytical backend reads them
                OptionalLong offsets = raggedBatch(operands);
                batch = offsets.isPresent() ? offsets.getAsLong() : Double.NaN;
            }
            batchKnown = !Double.isNaN(batch);
            if (!batchKnown) {
                batch = 1;
            }
        }
        double ropeDim = operand(operands, "q_pe").filter(o -> !o.shape().isEmpty())
                .map(o -> (double) o.shape().get(o.shape().size() - 1)).orElse(0.0);
        boolean causal = flag(attributes, "attention.causal", false);
        double kvLen = number(attributes, "attention.kv_len", Double.NaN);
        Optional<Operand> k = operand(operands, "k");
        Optional<Operand> cache = pagedCache(operands);
        boolean paged = false;
        if (Double.isNaN(kvLen) && k.isEmpty() && cache.isPresent()) {
            // the cache operand is the whole pool; the kernel reads only the pages of its batch's sequences
            OptionalLong pagedKeys = pagedKeys(cache.get(), operands);
            double keys = pagedKeys.isPresent() ? pagedKeys.getAsLong() : Double.NaN;
            boolean decode = !flag(attributes, "attention.causal", true)
                    || attributes.getOrDefault("attention.phase", "").startsWith("decode");
            if (Double.isNaN(keys) || keys <= 0 || !batchKnown && !decode) {
                // no page list, or a causal (or unstated) mask over a batch whose split into sequences is not
                // recorded: the scores of one long sequence and of many short ones differ by orders of magnitude
                return UNKNOWN;
            }
            if (!batchKnown) {
                // without a causal mask each query sees every key of its sequence: at least one query per sequence
                // (decode's one, exact then) gives the fewest scores
                batch = tokens / number(attributes, "attention.q_len", 1);
            }
            kvLen = keys / Math.max(1, batch);
            paged = true;
        }
        double qLen = number(attributes, "attention.q_len", tokens / Math.max(1, batch));
        if (Double.isNaN(kvLen)) {
            kvLen = k.isPresent() && !k.get().shape().isEmpty()
                    ? (qs.size() == 4 && k.get().shape().size() == 4 ? k.get().shape().get(2)
                    : k.get().shape().get(0) / Math.max(1, batch))
                    : qLen;
        }
        double window = number(attributes, "attention.window", 0);
        if (window > 0) {
            kvLen = Math.min(kvLen, window);
        }
        double headDimV = number(attributes, "attention.head_dim_v", headDim);
        // QK^T: 2·d per (query, key) pair per head; PV: 2·d_v
        double flops = 2 * heads * tokens * kvLen * (headDim + ropeDim + headDimV);
        if (causal && qLen >= kvLen) {
            flops /= 2;
        }
        double bytes = 0;
        for (Operand o : operands) {
            if (!usable(o)) {
                continue;
            }
            if (paged && OperandRoles.PAGED_CACHES.contains(o.name())) {
                // the pages the batch uses, each at the pool's bytes per page
                bytes += operand(operands, OperandRoles.KV_INDICES).get().elementCount() * ((double) o.bytes() / o.shape().get(0));
            } else {
                bytes += o.bytes();
            }
        }
        if (operand(operands, "o").isEmpty()) {
            bytes += tokens * heads * headDimV * q.get().dataType().bytes();
        }
        return new KernelWork(flops, bytes, 0, q.get().dataType(), true);
    }

    private static KernelWork moe(List<Operand> operands, Map<String, String> attributes,
                                  Optional<LaunchConfig> launch) {
        Optional<Operand> hidden = operand(operands, "hidden");
        Optional<Operand> w1 = operand(operands, "w1").filter(w -> w.shape().size() == 3);
        Optional<Operand> w2 = operand(operands, "w2").filter(w -> w.shape().size() == 3);
        String stage = attributes.get("moe.stage");
        if ("reduce".equals(stage)) {
            return moeReduce(hidden, operands, attributes);
        }
        if (hidden.isEmpty() || hidden.get().shape().size() < 2 || (w1.isEmpty() && w2.isEmpty())) {
            return memoryBound(OperationFamily.MOE, operands);
        }
        double tokens = hidden.get().shape().get(0);
        double hiddenSize = hidden.get().shape().get(hidden.get().shape().size() - 1);
        double topK = number(attributes, "moe.top_k", operand(operands, "topk_ids")
                .or(() -> operand(operands, "topk_weights"))
                .filter(o -> o.shape().size() == 2).map(o -> (double) o.shape().get(1)).orElse(1.0));
        double local = w1.or(() -> w2).get().shape().get(0);
        if (stage == null && w1.isPresent() && w2.isPresent() && launch.isPresent()) {
            // one kernel, launched twice with the same operands: once per GEMM of the layer; the grid tells which
            Optional<MoePass> pass = MoePass.ofGrid(launch.get().grid().volume(), Math.round(tokens * topK),
                    (long) local, w1.get().shape().get(1), (long) hiddenSize);
            if (pass.isEmpty()) {
                return UNKNOWN;
            }
            stage = pass.get().stage();
        }
        if (stage == null) {
            stage = "fused";
        }
        boolean gateUp = (stage.equals("gate_up") || stage.equals("fused")) && w1.isPresent();
        boolean down = (stage.equals("down") || stage.equals("fused")) && w2.isPresent();
        if (!gateUp && !down) {
            return memoryBound(OperationFamily.MOE, operands);
        }
        double global = Math.max(local, number(attributes, "moe.num_experts", local));
        double picks = tokens * topK;
        // the routed slots of this GPU's experts, and how many of its experts they reach: every one a slot can
        // reach when routing is balanced, else the expected number under uniform routing (as the simulator prices)
        double slots = picks * local / global;
        double reached = "balanced".equals(attributes.get("moe.distribution")) ? Math.min(global, picks)
                : global * (1 - Math.pow(1 - 1 / global, picks));
        double touched = Math.min(local, Math.max(1, Math.round(reached * local / global)));
        double activation = hidden.get().dataType().bytes();
        double flops = 0;
        double bytes = 0;
        if (gateUp) {
            List<Long> s = w1.get().shape();
            flops += 2 * slots * s.get(1) * s.get(2);
            bytes += touched * (w1.get().bytes() / local) + slots * (hiddenSize + s.get(1)) * activation;
        }
        if (down) {
            List<Long> s = w2.get().shape();
            flops += 2 * slots * s.get(1) * s.get(2);
            bytes += touched * (w2.get().bytes() / local) + slots * (s.get(2) + s.get(1)) * activation;
        }
        return new KernelWork(flops, bytes, 0, w1.or(() -> w2).get().dataType(), true);
    }

    /**
     * The top-k sum after the down projection ({@code moe.stage = reduce}, sglang's {@code moe_sum_reduce}): it reads
     * the {@code [tokens, top_k, hidden]} expert outputs and writes {@code [tokens, hidden]}, one add per element read,
     * as the analytical backend prices it; the experts' weights among its operator's operands are not read.
     */
    private static KernelWork moeReduce(Optional<Operand> hidden, List<Operand> operands, Map<String, String> attributes) {
        if (hidden.isEmpty() || !usable(hidden.get())) {
            return UNKNOWN;
        }
        double topK = number(attributes, "moe.top_k", operand(operands, "topk_ids")
                .filter(o -> o.shape().size() == 2).map(o -> (double) o.shape().get(1)).orElse(Double.NaN));
        if (!(topK >= 1)) {
            return UNKNOWN;
        }
        double elements = hidden.get().elementCount();
        return new KernelWork(elements * topK, elements * (topK + 1) * hidden.get().dataType().bytes(), 0,
                hidden.get().dataType(), true);
    }

    private static KernelWork collective(Optional<CollectiveInfo> info, List<Operand> operands,
                                         Map<String, String> attributes) {
        double message;
        int ranks;
        String name;
        if (info.isPresent()) {
            CollectiveInfo c = info.get();
            double size = c.dataType().bytes();
            if (size == 0) {
                return UNKNOWN;
            }
            message = Math.max(c.inputElements(), c.outputElements()) * size;
            ranks = c.groupSize();
            name = c.name();
        } else {
            message = sumBytes(operands.stream().filter(o -> o.direction() != Direction.OUTPUT).toList());
            ranks = (int) number(attributes, "collective.group_size", 0);
            name = "all_reduce";
        }
        if (message <= 0) {
            return UNKNOWN;
        }
        double factor = busFactor(name, ranks);
        return new KernelWork(0, 2 * message, message * factor, DataType.UINT8, true);
    }

    /** NCCL's bus-bandwidth factor: what share of the message each GPU's link carries in a ring. */
    static double busFactor(String collective, int ranks) {
        if (ranks <= 1) {
            return 1;
        }
        String n = collective.toLowerCase(java.util.Locale.ROOT).replace("_", "");
        double share = (ranks - 1.0) / ranks;
        if (n.contains("allreduce")) {
            return 2 * share;
        }
        if (n.contains("allgather") || n.contains("reducescatter") || n.contains("alltoall")) {
            return share;
        }
        return 1;
    }

    private static boolean read(Operand o) {
        return o.direction() == Direction.INPUT || o.direction() == Direction.INPUT_OUTPUT
                || o.direction() == Direction.UNKNOWN;
    }

    private static boolean written(Operand o) {
        return o.direction() == Direction.OUTPUT || o.direction() == Direction.INPUT_OUTPUT;
    }

    private static Optional<Operand> usableOperand(List<Operand> operands, String... names) {
        for (String n : names) {
            Optional<Operand> o = operand(operands, n);
            if (o.isPresent()) {
                return o.filter(KernelWork::usable);
            }
        }
        return Optional.empty();
    }

    /**
     * Bandwidth-bound kernels. Gathers and scatters move only the indexed rows, not the tensor they
     * index: a scatter ({@code values}) moves its values in and out; a gather with an {@code output}
     * moves the output twice; an {@code index_select}/{@code embedding} (one-dimensional {@code index})
     * one row per index, {@code torch.gather} (an index shaped like its output) one element per
     * index. Otherwise: a copy moves what it writes twice (read and write), a type-converting copy its
     * source and its target (each at its own element size), or, with nothing marked written, its smallest
     * floating-point operand twice; other kernels read their inputs and write
     * their outputs (or, with none marked, as much as their largest input; a reduction writes little). Operands of
     * {@link Direction#UNKNOWN} direction (read or written, the trace does not say which, as a TorchInductor kernel's
     * pointer arguments) count once each, and with none marked written no output is assumed beside them: what the
     * kernel writes is among them.
     */
    private static KernelWork memoryBound(OperationFamily family, List<Operand> operands) {
        return memoryBound(family, operands, "", Optional.empty());
    }

    private static KernelWork memoryBound(OperationFamily family, List<Operand> operands, String kernelName,
                                          Optional<LaunchConfig> launch) {
        KernelWork rotary = rotaryOverCache(operands);
        if (rotary != null) {
            return rotary;
        }
        Operand largest = largestOperand(operands);
        double largestElements = largest == null ? 0 : largest.elementCount();
        DataType type = largest == null ? DataType.UNKNOWN : largest.dataType();
        double bytes = vectorizedGatherKernel(kernelName) ? vectorizedGatherTraffic(operands).orElse(Double.NaN)
                : Double.NaN;
        if (Double.isNaN(bytes)) {
            bytes = memoryTraffic(family, operands).orElse(0);
        }
        if (indexElementwiseKernel(kernelName)) {
            if (launch.isPresent()) {
                LaunchConfig l = launch.get();
                OptionalDouble cap = indexElementwiseTraffic(operands, l.grid().volume() * l.block().volume(),
                        indexElementsPerThread(kernelName));
                if (cap.isPresent()) {
                    bytes = Math.min(bytes, cap.getAsDouble());
                }
            } else if (usableOperand(operands, "index", "indices", "values", "output", "out").isEmpty()) {
                // only the indexed tensor recorded and no launch: how many of its rows it moves is not told
                return UNKNOWN;
            }
        }
        if (bytes <= 0) {
            // a multi-tensor kernel's TensorLists record no shapes: its grid bounds what it moves
            return MultiTensorApplyTraffic.of(kernelName, launch).filter(MultiTensorApplyTraffic::known)
                    .map(t -> new KernelWork(t.elements(), t.bytes(), 0, t.elementType(), true)).orElse(UNKNOWN);
        }
        double flops = family == OperationFamily.COPY || family == OperationFamily.MEMSET ? 0 : largestElements;
        return new KernelWork(flops, bytes, 0, type, true);
    }

    /**
     * Whether the kernel (by its name) is PyTorch's {@code vectorized_gather_kernel} ({@code ScatterGatherKernel.cu}),
     * whose traffic {@link #vectorizedGatherTraffic} counts.
     *
     * @since 0.13
     */
    public static boolean vectorizedGatherKernel(String kernelName) {
        return Objects.requireNonNull(kernelName, "kernelName").contains("vectorized_gather_kernel");
    }

    /**
     * PyTorch's {@code vectorized_gather_kernel} ({@code torch.gather} along a dimension whose index is broadcast over
     * the gathered rows): the trace records the index at the output's shape, but each block copies one row and reads
     * one index for it. It writes the output ({@code rows x width} elements of the table's type), reads the table rows
     * it gathers (each distinct row once, so at most the whole table: a row gathered again is served by the L2) and
     * one index per row. The work count and the analytical backend both use it.
     *
     * @param operands the kernel's operands: the table ({@code input}/{@code self}) and the index
     *                 ({@code index}/{@code indices}, the first of each present)
     * @return the bytes; empty when the table or the index lacks a shape or a known type (count the kernel's
     *         traffic by {@link #memoryTraffic} then)
     * @since 0.13
     */
    public static OptionalDouble vectorizedGatherTraffic(List<Operand> operands) {
        Objects.requireNonNull(operands, "operands");
        Optional<Operand> index = usableOperand(operands, "index", "indices");
        Optional<Operand> table = usableOperand(operands, "input", "self");
        if (index.isEmpty() || table.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Long> shape = index.get().shape();
        double width = shape.get(shape.size() - 1);
        double rows = index.get().elementCount() / Math.max(1, width);
        double written = rows * width * table.get().dataType().bytes();
        return OptionalDouble.of(written + Math.min(written, table.get().bytes())
                + rows * index.get().dataType().bytes());
    }

    /** The elements per thread ({@code vt}) of PyTorch's {@code index_elementwise_kernel<nt, vt, ...>}. */
    private static final java.util.regex.Pattern INDEX_TEMPLATE =
            java.util.regex.Pattern.compile("index_elementwise_kernel<(\\d+), (\\d+),");

    /**
     * Whether the kernel (by its name) is PyTorch's {@code index_elementwise_kernel} ({@code IndexKernel.cu}:
     * advanced indexing, {@code x[idx]} and {@code index_put_}), whose traffic {@link #indexElementwiseTraffic}
     * bounds.
     *
     * @since 0.13
     */
    public static boolean indexElementwiseKernel(String kernelName) {
        return Objects.requireNonNull(kernelName, "kernelName").contains("index_elementwise_kernel<");
    }

    /**
     * The elements each thread of an {@code index_elementwise_kernel<nt, vt, ...>} handles: {@code vt}, the
     * template's second argument; 4 when the name does not give it.
     *
     * @throws NumberFormatException when the name's {@code vt} does not fit an {@code int}
     * @since 0.13
     */
    public static int indexElementsPerThread(String kernelName) {
        java.util.regex.Matcher m = INDEX_TEMPLATE.matcher(Objects.requireNonNull(kernelName, "kernelName"));
        return m.find() ? Integer.parseInt(m.group(2)) : 4;
    }

    /**
     * The most an {@code index_elementwise_kernel} can move: its launch covers {@code threads x vt} elements, each
     * read and written once, at the element size of its first operand with a shape, a known type and elements. An
     * {@code x[idx]} with TensorList indices records the indexed tensor but no index shape (the last-token gather of
     * the FlowSim trace: {@code [8192, 7168]} for 8 rows), so its operands alone would count the whole tensor. The
     * work count and the analytical backend both bound the kernel's traffic by it.
     *
     * @param operands          the kernel's operands
     * @param threads           the threads of its launch ({@code grid x block})
     * @param elementsPerThread {@link #indexElementsPerThread} of its name
     * @return the bytes; empty when the launch has no threads or no operand tells the element size
     * @since 0.13
     */
    public static OptionalDouble indexElementwiseTraffic(List<Operand> operands, long threads, int elementsPerThread) {
        Objects.requireNonNull(operands, "operands");
        Optional<Operand> source = operands.stream().filter(o -> usable(o) && o.elementCount() > 0).findFirst();
        if (source.isEmpty() || threads <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(2.0 * threads * elementsPerThread * source.get().dataType().bytes());
    }

    /**
     * A rotary embedding given the whole cos/sin cache ({@code cos_sin_cache [positions, dim]}, sgl-kernel's
     * {@code apply_rope_pos_ids_cos_sin_cache}): one FLOP per rotated element of {@code q} and {@code k}; the bytes of
     * {@link #rotaryTraffic}. Null for any other kernel.
     */
    private static KernelWork rotaryOverCache(List<Operand> operands) {
        OptionalDouble bytes = rotaryTraffic(operands);
        if (bytes.isEmpty()) {
            return null;
        }
        Operand q = usableOperand(operands, "q", "query").orElseThrow();
        Optional<Operand> k = usableOperand(operands, "k", "key");
        double elements = q.elementCount() + k.map(o -> (double) o.elementCount()).orElse(0.0);
        return new KernelWork(elements, bytes.getAsDouble(), 0, q.dataType(), true);
    }

    /**
     * The traffic of a rotary embedding given the whole cos/sin cache ({@code cos_sin_cache [positions, dim]},
     * sgl-kernel's {@code apply_rope_pos_ids_cos_sin_cache}, vLLM's {@code rotary_embedding}): it rotates {@code q} and
     * {@code k} in place (read and written), reads its {@code positions} and the cache row of each position (one row
     * per token without positions), not the cache the operator passes (163,840 positions x 64 fp32 = 42 MB for
     * DeepSeek). The work count and the analytical backend both use it.
     *
     * @param operands the kernel's operands ({@code q}/{@code query}, {@code k}/{@code key},
     *                 {@code positions}/{@code pos_ids}, {@code cos_sin_cache})
     * @return the bytes; empty unless both {@code cos_sin_cache} and the queries have a shape and a known type (the
     *         kernel is then no rotary embedding over a cache, or does not tell its traffic)
     * @since 0.13
     */
    public static OptionalDouble rotaryTraffic(List<Operand> operands) {
        Objects.requireNonNull(operands, "operands");
        Optional<Operand> cache = operand(operands, "cos_sin_cache").filter(KernelWork::usable);
        Optional<Operand> q = usableOperand(operands, "q", "query");
        if (cache.isEmpty() || q.isEmpty()) {
            return OptionalDouble.empty();
        }
        Optional<Operand> k = usableOperand(operands, "k", "key");
        Optional<Operand> positions = usableOperand(operands, "positions", "pos_ids");
        double tokens = positions.map(o -> (double) o.elementCount()).orElse((double) q.get().shape().get(0));
        double rows = Math.min(tokens, cache.get().shape().get(0));
        return OptionalDouble.of(2 * q.get().bytes() + 2 * k.map(o -> (double) o.bytes()).orElse(0.0)
                + positions.map(o -> (double) o.bytes()).orElse(0.0)
                + rows * ((double) cache.get().bytes() / Math.max(1, cache.get().shape().get(0))));
    }

    /**
     * The bytes a bandwidth-bound kernel of {@code family} reads and writes, counted from its operands
     * by the rules of {@link #memoryBound}: gathers and scatters move only the indexed rows, copies what
     * they write twice, other kernels their inputs and outputs. Simulator backends use it so that their
     * traffic and FlowSim's efficiency columns agree.
     *
     * @return the bytes; empty when no operand has both a shape and a known type
     */
    public static java.util.OptionalDouble memoryTraffic(OperationFamily family, List<Operand> operands) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(operands, "operands");
        double bytes = indexedTraffic(operands);
        if (Double.isNaN(bytes)) {
            bytes = traffic(family, operands);
        }
        return Double.isNaN(bytes) ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(bytes);
    }

    private static double indexedTraffic(List<Operand> operands) {
        Optional<Operand> values = usableOperand(operands, "values", "src_values", "updates");
        Optional<Operand> index = usableOperand(operands, "index", "indices", "ids");
        double indexBytes = index.map(Operand::bytes).orElse(0.0);
        if (values.isPresent()) {
            return 2 * values.get().bytes() + indexBytes;
        }
        if (index.isEmpty()) {
            return Double.NaN;
        }
        Optional<Operand> output = usableOperand(operands, "output", "out");
        if (output.isPresent()) {
            return 2 * output.get().bytes() + indexBytes;
        }
        Optional<Operand> table = usableOperand(operands, "input", "weight", "self");
        if (table.isEmpty()) {
            return Double.NaN;
        }
        if (index.get().shape().size() > 1) {
            return 2.0 * index.get().elementCount() * table.get().dataType().bytes() + indexBytes;
        }
        double rowBytes = table.get().bytes() / Math.max(1, table.get().shape().get(0));
        return 2.0 * index.get().elementCount() * rowBytes + indexBytes;
    }

    /**
     * The traffic of a type-converting copy ({@code copy_} of a tensor of one element type into one of another, as
     * {@code .to(dtype)} and {@code .float()} produce): a read {@code input}/{@code src}/{@code self} and a written
     * {@code output}/{@code out} with the same number of elements and different types, and no other operand with a
     * shape. It reads the source at the source's element size and writes the target at the target's; NaN for any
     * other kernel.
     */
    private static double castCopyTraffic(List<Operand> operands) {
        Optional<Operand> source = usableOperand(operands, "input", "src", "self");
        Optional<Operand> target = usableOperand(operands, "output", "out");
        if (source.isEmpty() || target.isEmpty() || source.get() == target.get()
                || source.get().elementCount() != target.get().elementCount()
                || source.get().dataType() == target.get().dataType()
                || withShape(operands) != 2) {
            return Double.NaN;
        }
        return source.get().bytes() + target.get().bytes();
    }

    private static int withShape(List<Operand> operands) {
        int n = 0;
        for (Operand o : operands) {
            if (!o.shape().isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private static double traffic(OperationFamily family, List<Operand> operands) {
        if (family == OperationFamily.COPY) {
            double cast = castCopyTraffic(operands);
            if (!Double.isNaN(cast)) {
                return cast;
            }
        }
        double readBytes = 0;
        double writtenBytes = 0;
        double largest = 0;
        double smallest = Double.MAX_VALUE;
        boolean any = false;
        boolean readOrWritten = false;
        for (Operand o : operands) {
            if (!usable(o)) {
                continue;
            }
            double b = o.bytes();
            any = true;
            readOrWritten |= o.direction() == Direction.UNKNOWN;
            if (written(o)) {
                writtenBytes += b;
            }
            if (read(o)) {
                readBytes += b;
            }
            largest = Math.max(largest, b);
            if (o.dataType().isFloatingPoint() || family != OperationFamily.COPY) {
                smallest = Math.min(smallest, b);
            }
        }
        if (!any) {
            return Double.NaN;
        }
        if (readOrWritten && writtenBytes == 0) {
            // operands read or written (an Inductor kernel's pointer arguments): what is written is among them,
            // each moved once
            return readBytes;
        }
        if (family == OperationFamily.COPY) {
            return writtenBytes > 0 ? 2 * writtenBytes : 2 * (smallest == Double.MAX_VALUE ? largest : smallest);
        }
        if (writtenBytes > 0) {
            return readBytes + writtenBytes;
        }
        return family == OperationFamily.REDUCTION ? readBytes : readBytes + largest;
    }
}
