package io.flowsim.plugin.kernels;

import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.OperationFamily;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Built-in knowledge used when a database does not say: the family of an op mapping, and the
 * last-resort heuristic classes by kernel name (shared/docs/trace-format.md section 13, extended).
 */
final class FamilyRules {

    /** One heuristic class: a label for humans and the family. */
    record Rule(String label, OperationFamily family) {
    }

    /** A class recognized by a kernel-name pattern. */
    record NameRule(Rule rule, Pattern pattern) {
    }

    private static final List<NameRule> RULES = List.of(
            rule("communication", OperationFamily.COLLECTIVE,
                    "nccl(Dev)?Kernel|^nccl|^rccl|cross_device_reduce|deep_ep::|mscclpp|all_?reduce|all_?gather"
                            + "|reduce_?scatter|all_?to_?all|one_shot|two_shot"),
            rule("gemm", OperationFamily.GEMM,
                    "gemm|nvjet|xmma|cutlass.*(gemm|tensorop)|cublas(Lt)?::|splitKreduce|gemv|gemmk1"),
            rule("kv-cache bookkeeping", OperationFamily.COPY,
                    "kv_buffer|kv_indices|req_to_token|compute_position|reshape_and_cache|kv_cache"),
            rule("attention", OperationFamily.ATTENTION,
                    "flash_?attn|flash_fwd|flash_bwd|fmha|attention|PrefillWithKVCache|BatchDecode|BatchPrefill"
                            + "|BatchMLA|mla_(decode|prefill)|sdpa"),
            rule("moe", OperationFamily.MOE, "moe|expert|topk_?softmax|topkGating"),
            rule("norm", OperationFamily.NORM, "rms_?norm|layer_?norm|batch_?norm|group_?norm|bn_fw|bn_bw"),
            rule("sampling", OperationFamily.SAMPLING, "sampling|multinomial"),
            rule("rope / activation", OperationFamily.ELEMENTWISE, "rotary|rope|act_and_mul|silu|gelu|relu"),
            rule("copy / index", OperationFamily.COPY,
                    "copy|CatArray|index(Select|_put|_elementwise|Func)|scatter|gather|embedding|permute|transpose"),
            rule("fill", OperationFamily.MEMSET, "FillFunctor|fill_kernel|zero_"),
            rule("reduction / scan", OperationFamily.REDUCTION, "reduce_kernel|Reduce|Scan|softmax|cumsum|argmax|topk|sort"),
            rule("elementwise", OperationFamily.ELEMENTWISE, "elementwise|arange|multi_tensor_apply|vectorized|unrolled"),
            rule("inductor / triton", OperationFamily.OTHER, "^triton_|_triton$|^fused_|^triton"));

    /** Rules the name rules out before they run: the heuristics see every unresolved kernel. */
    private static final PatternPrefilter RULES_PREFILTER = PatternPrefilter.of(RULES.stream()
            .map(NameRule::pattern).toList());

    private static final Map<String, OperationFamily> OP_FAMILIES = Map.ofEntries(
            Map.entry("matmul", OperationFamily.GEMM), Map.entry("mm", OperationFamily.GEMM),
            Map.entry("addmm", OperationFamily.GEMM), Map.entry("linear", OperationFamily.GEMM),
            Map.entry("gemm", OperationFamily.GEMM), Map.entry("bmm", OperationFamily.BMM),
            Map.entry("baddbmm", OperationFamily.BMM),
            Map.entry("attention", OperationFamily.ATTENTION),
            Map.entry("all_reduce", OperationFamily.COLLECTIVE), Map.entry("all_gather", OperationFamily.COLLECTIVE),
            Map.entry("reduce_scatter", OperationFamily.COLLECTIVE), Map.entry("all_to_all", OperationFamily.COLLECTIVE),
            Map.entry("broadcast", OperationFamily.COLLECTIVE), Map.entry("send_recv", OperationFamily.COLLECTIVE),
            Map.entry("copy_", OperationFamily.COPY), Map.entry("copy", OperationFamily.COPY),
            Map.entry("cat", OperationFamily.COPY), Map.entry("index", OperationFamily.COPY),
            Map.entry("index_put_", OperationFamily.COPY), Map.entry("index_select", OperationFamily.COPY),
            Map.entry("gather", OperationFamily.COPY), Map.entry("scatter", OperationFamily.COPY),
            Map.entry("fill_", OperationFamily.MEMSET), Map.entry("zero_", OperationFamily.MEMSET),
            Map.entry("memset", OperationFamily.MEMSET),
            Map.entry("layer_norm", OperationFamily.NORM), Map.entry("rms_norm", OperationFamily.NORM),
            Map.entry("fused_add_rms_norm", OperationFamily.NORM),
            Map.entry("sum", OperationFamily.REDUCTION), Map.entry("cumsum", OperationFamily.REDUCTION),
            Map.entry("argmax", OperationFamily.REDUCTION), Map.entry("mean", OperationFamily.REDUCTION),
            Map.entry("softmax", OperationFamily.REDUCTION), Map.entry("max", OperationFamily.REDUCTION),
            Map.entry("min", OperationFamily.REDUCTION),
            Map.entry("add", OperationFamily.ELEMENTWISE), Map.entry("sub", OperationFamily.ELEMENTWISE),
            Map.entry("mul", OperationFamily.ELEMENTWISE), Map.entry("div", OperationFamily.ELEMENTWISE),
            Map.entry("pow", OperationFamily.ELEMENTWISE), Map.entry("tanh", OperationFamily.ELEMENTWISE),
            Map.entry("arange", OperationFamily.ELEMENTWISE), Map.entry("bitwise_not", OperationFamily.ELEMENTWISE),
            Map.entry("masked_fill_", OperationFamily.ELEMENTWISE), Map.entry("silu_and_mul", OperationFamily.ELEMENTWISE),
            Map.entry("rotary_embedding", OperationFamily.ELEMENTWISE),
            Map.entry("sampling", OperationFamily.SAMPLING));

    private FamilyRules() {
    }

    private static NameRule rule(String label, OperationFamily family, String regex) {
        return new NameRule(new Rule(label, family), Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
    }

    /** The family an op mapping implies, for database entries that give no family. */
    static Optional<OperationFamily> familyOfOpMapping(String opMapping) {
        return Optional.ofNullable(OP_FAMILIES.get(opMapping.trim().toLowerCase(Locale.ROOT)));
    }

    /** The name rules, in the order they are tried. */
    static List<NameRule> nameRules() {
        return RULES;
    }

    /** The first heuristic rule matching a kernel name. */
    static Optional<Rule> byName(String kernelName) {
        BitSet candidates = RULES_PREFILTER.candidates(kernelName);
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            NameRule r = RULES.get(i);
            if (r.pattern().matcher(kernelName).find()) {
                return Optional.of(r.rule());
            }
        }
        return Optional.empty();
    }

    /**
     * The heuristic class of a kernel record: memcpy and memset by kind, then the name rules, then
     * communication by category.
     */
    static Optional<Rule> classify(KernelRecord kernel) {
        if (kernel.kind() == KernelKind.MEMCPY) {
            return Optional.of(new Rule("memcpy", OperationFamily.COPY));
        }
        if (kernel.kind() == KernelKind.MEMSET) {
            return Optional.of(new Rule("memset", OperationFamily.MEMSET));
        }
        Optional<Rule> byName = byName(kernel.name());
        if (byName.isPresent()) {
            return byName;
        }
        if (kernel.category() == KernelCategory.COMMUNICATION) {
            return Optional.of(new Rule("communication (category)", OperationFamily.COLLECTIVE));
        }
        return Optional.empty();
    }
}
