package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the models read from a kernel's name, classified once per distinct name instead of once per
 * request: the GEMM name ({@link GemmKernelName}), the PyTorch and sgl-kernel memory-bound kernels
 * {@link MemoryModel} tells apart, the {@code topk} kernel roles ({@link TopkKernel}) and what a collective's
 * name says ({@link CollectiveModel}). Kernel names are templated C++ signatures of up to a few kilobytes, and
 * testing a dozen regular expressions and substrings against one on every request made the name tests most of
 * the embedded model's time.
 *
 * <p>{@link #of} looks the facts up in a process-wide cache keyed by the name; {@link #classify} computes them.
 * Both give equal records for a name: the cache memoizes a pure function of the name, so what a model answers
 * never depends on it. The cache is bounded ({@link #CACHE_ENTRIES} names and {@link #CACHE_CHARS} characters
 * of names; a name longer than that is classified and not kept) and is emptied when full, so a trace with
 * millions of distinct names costs a classification per request, as before, and no memory beyond the bound.
 * Thread-safe: records are immutable, the cache is a {@link ConcurrentHashMap} with its bookkeeping under a lock
 * taken only on a miss.
 *
 * @param gemm                 what a GEMM kernel's name says ({@link GemmKernelName#of})
 * @param cutlass              whether the name contains {@code cutlass} (a CUTLASS kernel: its grid's z is the
 *                             split-K factor, {@link GemmModel#launchedSplit})
 * @param cat                  PyTorch's batched cat ({@code CatArrayBatchedCopy*})
 * @param elementwiseCat       a cat that copies one element per thread ({@code CatArrayBatchedCopy<},
 *                             {@code CatArrayBatchedCopy_contig<})
 * @param fill                 PyTorch's fill ({@code aten::fill_}, {@code zero_}: an elementwise kernel with a
 *                             {@code FillFunctor}), which loads nothing: it only stores
 * @param warpSoftmax          PyTorch's warp-per-row softmax ({@code softmax_warp_forward}/{@code _backward} of
 *                             {@code PersistentSoftmax.cuh}: each warp loads its rows once and reduces them with
 *                             warp shuffles; no block-wide reduction, no shared memory)
 * @param vectorizedGather     PyTorch's {@code vectorized_gather_kernel} ({@code ScatterGatherKernel.cu}:
 *                             {@code torch.gather} along a dimension whose index is broadcast over the gathered rows,
 *                             so each block copies one whole row with 16-byte loads and reads one index for it;
 *                             {@link KernelWork#vectorizedGatherKernel}, the work count's test)
 * @param vectorizedElementwise PyTorch's {@code vectorized_elementwise_kernel}
 * @param stridedElementwise   PyTorch's generic {@code elementwise_kernel} or {@code unrolled_elementwise_kernel}
 * @param indexSmall           {@code indexSelectSmallIndex} or {@code indexFuncSmallIndex}
 * @param indexLarge           {@code indexSelectLargeIndex} or {@code indexFuncLargeIndex}
 * @param indexElementwise     PyTorch's {@code index_elementwise_kernel<} ({@code IndexKernel.cu}: advanced
 *                             indexing, {@code x[idx]} and {@code index_put_}; {@link KernelWork#indexElementwiseKernel})
 * @param indexElementsPerThread the {@code vt} template argument of an {@code index_elementwise_kernel}, 4 when
 *                             the name does not give it ({@link KernelWork#indexElementsPerThread})
 * @param reduceKernel         PyTorch's {@code reduce_kernel<}
 * @param twoPassNorm          FlashInfer's {@code norm::RMSNormKernel<}
 * @param atomicAbsmax         a per-tensor FP8 absmax with one atomic per block: sgl-kernel's
 *                             {@code per_tensor_absmax_kernel} or sglang's Triton {@code _per_tensor_quant_mla_fp8_stage1}
 *                             (in front of the MLA {@code bmm_fp8}, one program per row, each with its own
 *                             {@code atomic_max} on the one scale)
 * @param perTokenQuantFp8     sgl-kernel's per-token (not per-token-group) FP8 quantization
 *                             ({@code per_token_quant_fp8_kernel}, {@code per_token_quant_fp8_small_batch_kernel})
 * @param perTokenGroupQuant   sgl-kernel's per-token-group quantization ({@code per_token_group_quant_8bit}, in
 *                             front of a block-scaled FP8 GEMM or MoE, one scale per 128 elements)
 * @param topkRoleOfTopk       the {@code topk} role when the operator is a {@code topk}
 * @param topkRoleOtherwise    the {@code topk} role for any other operator (cub's scan-by-key is then no
 *                             {@code topk} kernel)
 * @param customAllReduce      the name is one of the custom all-reduce kernels ({@code cross_device_reduce}, ...)
 * @param oneStage             a one-shot custom all-reduce ({@code 1stage}, {@code one_shot})
 * @param twoStage             a two-shot custom all-reduce ({@code 2stage}, {@code two_shot})
 * @param collectiveOp         the collective the name says, for a collective whose own name says nothing; null
 *                             when the name says none either
 * @param collectiveType       the element type a NCCL kernel's name says ({@code _bf16_}), else UNKNOWN
 */
record KernelNameFacts(GemmKernelName gemm, boolean cutlass, boolean cat, boolean elementwiseCat, boolean fill,
                       boolean warpSoftmax, boolean vectorizedGather, boolean vectorizedElementwise,
                       boolean stridedElementwise, boolean indexSmall, boolean indexLarge, boolean indexElementwise,
                       int indexElementsPerThread, boolean reduceKernel, boolean twoPassNorm, boolean atomicAbsmax,
                       boolean perTokenQuantFp8, boolean perTokenGroupQuant, TopkKernel.Role topkRoleOfTopk,
                       TopkKernel.Role topkRoleOtherwise, boolean customAllReduce, boolean oneStage, boolean twoStage,
                       CollectiveModel.Op collectiveOp, DataType collectiveType) {

    /** Names the cache keeps at most. */
    static final int CACHE_ENTRIES = 4096;
    /** Characters of names the cache keeps at most (about 4 MB of Latin-1 names). */
    static final long CACHE_CHARS = 1L << 22;

    private static final Cache CACHE = new Cache(CACHE_ENTRIES, CACHE_CHARS);

    KernelNameFacts {
        Objects.requireNonNull(gemm, "gemm");
        Objects.requireNonNull(topkRoleOfTopk, "topkRoleOfTopk");
        Objects.requireNonNull(topkRoleOtherwise, "topkRoleOtherwise");
        Objects.requireNonNull(collectiveType, "collectiveType");
    }

    /** The facts of the request's kernel name, from the cache. */
    static KernelNameFacts of(SimulationRequest r) {
        return CACHE.get(r.kernelName());
    }

    /** The facts of a kernel name, from the cache. */
    static KernelNameFacts of(String kernelName) {
        return CACHE.get(kernelName);
    }

    /** The {@code topk} role of the request's kernel ({@link TopkKernel.Role#NONE} for any other kernel). */
    TopkKernel.Role topkRole(SimulationRequest r) {
        // only cub's scan-by-key depends on the operator; skip the operator's test for every other name
        return topkRoleOfTopk == topkRoleOtherwise || !r.opMapping().contains("topk") ? topkRoleOtherwise
                : topkRoleOfTopk;
    }

    /** Classifies a kernel name, without the cache. */
    static KernelNameFacts classify(String n) {
        Objects.requireNonNull(n, "kernel name");
        String lower = n.toLowerCase(Locale.ROOT);
        return new KernelNameFacts(GemmKernelName.of(n), n.contains("cutlass"),
                n.contains("CatArrayBatchedCopy"),
                n.contains("CatArrayBatchedCopy<") || n.contains("CatArrayBatchedCopy_contig<"),
                n.contains("FillFunctor"),
                n.contains("softmax_warp_forward") || n.contains("softmax_warp_backward"),
                KernelWork.vectorizedGatherKernel(n),
                n.contains("vectorized_elementwise_kernel"),
                n.contains("at::native::elementwise_kernel") || n.contains("unrolled_elementwise_kernel"),
                n.contains("indexSelectSmallIndex") || n.contains("indexFuncSmallIndex"),
                n.contains("indexSelectLargeIndex") || n.contains("indexFuncLargeIndex"),
                KernelWork.indexElementwiseKernel(n),
                KernelWork.indexElementsPerThread(n),
                n.contains("reduce_kernel<"),
                n.contains("norm::RMSNormKernel<"),
                n.contains("per_tensor_absmax") || n.contains("per_tensor_quant_mla_fp8_stage1"),
                n.contains("per_token_quant_fp8") && !n.contains("group"),
                n.contains("per_token_group_quant"),
                TopkKernel.role(n, true), TopkKernel.role(n, false),
                CollectiveModel.customAllReduceName(lower),
                lower.contains("1stage") || lower.contains("one_shot"),
                lower.contains("2stage") || lower.contains("two_shot"),
                CollectiveModel.opOfText(lower.replace("_", "")),
                CollectiveModel.typeFromKernelName(lower));
    }

    /**
     * A bounded memo of {@link #classify}: at most {@code maxEntries} names and {@code maxChars} characters of
     * names; when a new name would pass either, the cache is emptied first. Lookups do not lock; a miss
     * classifies outside the lock and takes it only to insert.
     */
    static final class Cache {
        private final ConcurrentHashMap<String, KernelNameFacts> map = new ConcurrentHashMap<>();
        private final int maxEntries;
        private final long maxChars;
        /** Characters of the names in {@link #map}; guarded by {@code this}. */
        private long chars;

        Cache(int maxEntries, long maxChars) {
            this.maxEntries = maxEntries;
            this.maxChars = maxChars;
        }

        KernelNameFacts get(String name) {
            KernelNameFacts facts = map.get(name);
            if (facts != null) {
                return facts;
            }
            facts = classify(name);
            if (name.length() <= maxChars) {
                synchronized (this) {
                    if (map.size() >= maxEntries || chars + name.length() > maxChars) {
                        map.clear();
                        chars = 0;
                    }
                    if (map.putIfAbsent(name, facts) == null) {
                        chars += name.length();
                    }
                }
            }
            return facts;
        }

        /** Names kept now. */
        int size() {
            return map.size();
        }

        /** Characters of the names kept now. */
        synchronized long chars() {
            return chars;
        }
    }
}
