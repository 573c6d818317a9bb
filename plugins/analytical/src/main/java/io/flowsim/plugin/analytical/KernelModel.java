package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.SimulationRequest;

import java.util.List;

/** Routes a request to the model of its family. Stateless and thread-safe. */
final class KernelModel {

    private KernelModel() {
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Estimate e = model(r, hw).checkedDuration();
        String problem = RequestView.text(r, Attributes.OPERANDS_PROBLEM.name());
        if (!e.supported() && problem != null && e.reason().equals("no operand shapes")) {
            // the resolver said why the recorded shapes give no operands: every family's model says it, not
            // only the memory-bound one
            return Estimate.unsupported("the operator's shapes give no operands: " + problem);
        }
        return e;
    }

    private static Estimate model(SimulationRequest r, HardwareProfile hw) {
        if (r.kind() == KernelKind.MEMCPY || r.kind() == KernelKind.MEMSET) {
            return MemoryModel.transfer(r, hw);
        }
        String unmodelled = UnmodelledImplementation.reason(r);
        if (unmodelled != null) {
            return Estimate.unsupported(unmodelled);
        }
        if (r.category() == KernelCategory.COMMUNICATION) {
            return CollectiveModel.estimate(r, hw);
        }
        if (FbgemmModel.applies(r)) {
            return FbgemmModel.estimate(r, hw);
        }
        return switch (r.family()) {
            case GEMM, BMM -> ConvolutionModel.applies(r) ? ConvolutionModel.estimate(r, hw) : GemmModel.estimate(r, hw);
            case ATTENTION -> AttentionModel.estimate(r, hw);
            case REDUCTION -> PoolingModel.applies(r) ? PoolingModel.estimate(r, hw) : MemoryModel.estimate(r, hw);
            case MOE -> MoeModel.estimate(r, hw);
            case NORM, ELEMENTWISE, COPY, SAMPLING, MEMSET -> MemoryModel.estimate(r, hw);
            case COLLECTIVE -> CollectiveModel.estimate(r, hw);
            case OTHER -> Estimate.unsupported("family 'other': no model for this family (no resolver recognized"
                    + " the kernel, or its kernel database entry says 'other'; an entry with a modelled family gives"
                    + " it one)");
        };
    }

    /** The part of the model {@code flowsim calibrate} fits with a measurement dominated by this request. */
    static Param.FitGroup fitGroup(SimulationRequest r, Estimate e) {
        if (r.kind() == KernelKind.MEMCPY || r.kind() == KernelKind.MEMSET) {
            return Param.FitGroup.TRANSFER;
        }
        return switch (FittedModel.of(e.model())) {
            case CUSTOM_ALLREDUCE -> Param.FitGroup.CUSTOM_ALLREDUCE;
            case COLLECTIVE -> Param.FitGroup.COLLECTIVE;
            case ATTENTION_PREFILL_TRITON -> Param.FitGroup.ATTENTION_PREFILL_TRITON;
            case ATTENTION_DECODE_TRITON -> Param.FitGroup.ATTENTION_DECODE_TRITON;
            case ATTENTION_DECODE_FA3 -> Param.FitGroup.ATTENTION_DECODE_FA3;
            case ATTENTION_DECODE_CONTIGUOUS -> Param.FitGroup.ATTENTION_DECODE_CONTIGUOUS;
            case ATTENTION_PREFILL -> Param.FitGroup.ATTENTION_PREFILL;
            case ATTENTION_DECODE -> Param.FitGroup.ATTENTION_DECODE;
            case MOE -> Param.FitGroup.MOE;
            case MOE_ROUTING -> Param.FitGroup.ELEMENTWISE;
            // A small fill is its launch floor (reduction.launch_floor_us); a big one its stores' bandwidth.
            case FILL -> e.bound().equals("latency") ? Param.FitGroup.REDUCTION : byOperands(r);
            case GEMM_SPLIT_K_REDUCE -> Param.FitGroup.REDUCTION;
            case MULTI_TENSOR -> Param.FitGroup.ELEMENTWISE_VECTORIZED;
            case OTHER -> byOperands(r);
        };
    }

    /** The group of a model without one of its own: by the memory access of its operands, else by family. */
    private static Param.FitGroup byOperands(SimulationRequest r) {
        if (MemoryModel.vectorized(r)) {
            return Param.FitGroup.ELEMENTWISE_VECTORIZED;
        }
        if (MemoryModel.strided(r)) {
            return Param.FitGroup.ELEMENTWISE_STRIDED;
        }
        return switch (r.family()) {
            case GEMM, BMM -> Param.FitGroup.GEMM;
            case NORM -> Param.FitGroup.NORM;
            case REDUCTION -> Param.FitGroup.REDUCTION;
            case COPY -> Param.FitGroup.COPY;
            default -> Param.FitGroup.ELEMENTWISE;
        };
    }

    /**
     * The models {@link #fitGroup} tells apart, by the model name of their estimate: a name, or a prefix
     * ({@code attention-prefill*}) that covers a model's variants ({@code attention-prefill-fa3}, ...). The
     * first constant that matches wins, so the specific names come before the prefixes that would also take
     * them; a new constant without a case in {@link #fitGroup}'s switch does not compile.
     */
    enum FittedModel {
        CUSTOM_ALLREDUCE("custom-allreduce"),
        COLLECTIVE("collective"),
        ATTENTION_PREFILL_TRITON("attention-prefill-triton"),
        ATTENTION_DECODE_TRITON("attention-decode-triton"),
        ATTENTION_DECODE_FA3("attention-decode-fa3"),
        ATTENTION_DECODE_CONTIGUOUS("attention-decode-cudnn", "attention-decode-sdpa-efficient"),
        ATTENTION_PREFILL("attention-prefill*"),
        ATTENTION_DECODE("attention-decode*"),
        MOE("moe-gemm*", "moe-layer"),
        MOE_ROUTING("moe-routing"),
        FILL("fill"),
        GEMM_SPLIT_K_REDUCE("gemm-split-k-reduce"),
        MULTI_TENSOR(MemoryModel.MULTI_TENSOR_MODEL),
        /** Any other model: grouped by its request's operands and family. */
        OTHER;

        private final List<String> names;

        FittedModel(String... names) {
            this.names = List.of(names);
        }

        /** The model names it stands for; one ending in {@code *} is a prefix. */
        List<String> names() {
            return names;
        }

        static FittedModel of(String model) {
            for (FittedModel m : values()) {
                for (String name : m.names) {
                    boolean matches = name.endsWith("*") ? model.startsWith(name.substring(0, name.length() - 1))
                            : model.equals(name);
                    if (matches) {
                        return m;
                    }
                }
            }
            return OTHER;
        }
    }
}
