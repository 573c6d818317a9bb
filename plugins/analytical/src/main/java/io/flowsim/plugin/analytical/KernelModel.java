package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.SimulationRequest;

/** Routes a request to the model of its family. Stateless and thread-safe. */
final class KernelModel {

    private KernelModel() {
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Estimate e = model(r, hw);
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
        if (r.category() == KernelCategory.COMMUNICATION) {
            return CollectiveModel.estimate(r, hw);
        }
        return switch (r.family()) {
            case GEMM, BMM -> ConvolutionModel.applies(r) ? ConvolutionModel.estimate(r, hw) : GemmModel.estimate(r, hw);
            case ATTENTION -> AttentionModel.estimate(r, hw);
            case REDUCTION -> PoolingModel.applies(r) ? PoolingModel.estimate(r, hw) : MemoryModel.estimate(r, hw);
            case MOE -> MoeModel.estimate(r, hw);
            case NORM, ELEMENTWISE, COPY, SAMPLING, MEMSET -> MemoryModel.estimate(r, hw);
            case COLLECTIVE -> CollectiveModel.estimate(r, hw);
            case OTHER -> Estimate.unsupported("family 'other': no resolver recognized this kernel, so there is no"
                    + " model for it (add it to a kernel database)");
        };
    }

    /** The part of the model {@code flowsim calibrate} fits with a measurement dominated by this request. */
    static Param.FitGroup fitGroup(SimulationRequest r, Estimate e) {
        if (r.kind() == KernelKind.MEMCPY || r.kind() == KernelKind.MEMSET) {
            return Param.FitGroup.TRANSFER;
        }
        String model = e.model();
        if (model.equals("custom-allreduce")) {
            return Param.FitGroup.CUSTOM_ALLREDUCE;
        }
        if (model.equals("collective")) {
            return Param.FitGroup.COLLECTIVE;
        }
        if (model.equals("attention-prefill-triton")) {
            return Param.FitGroup.ATTENTION_PREFILL_TRITON;
        }
        if (model.equals("attention-decode-triton")) {
            return Param.FitGroup.ATTENTION_DECODE_TRITON;
        }
        if (model.equals("attention-decode-fa3")) {
            return Param.FitGroup.ATTENTION_DECODE_FA3;
        }
        if (model.equals("attention-decode-cudnn") || model.equals("attention-decode-sdpa-efficient")) {
            return Param.FitGroup.ATTENTION_DECODE_CONTIGUOUS;
        }
        if (model.startsWith("attention-prefill")) {
            return Param.FitGroup.ATTENTION_PREFILL;
        }
        if (model.startsWith("attention-decode")) {
            return Param.FitGroup.ATTENTION_DECODE;
        }
        if (model.startsWith("moe-gemm") || model.equals("moe-layer")) {
            return Param.FitGroup.MOE;
        }
        if (model.equals("moe-routing")) {
            return Param.FitGroup.ELEMENTWISE;
        }
        if (model.equals("fill") && e.bound().equals("latency")) {
            // A small fill is its launch floor (reduction.launch_floor_us); a big one its stores' bandwidth.
            return Param.FitGroup.REDUCTION;
        }
        if (model.equals("gemm-split-k-reduce")) {
            return Param.FitGroup.REDUCTION;
        }
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
}
