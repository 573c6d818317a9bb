package io.flowsim.plugin.analytical;

import io.flowsim.api.model.FbgemmTraffic;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

/**
 * fbgemm_gpu's quantizers and sparse-feature permutes, whose traffic the generic operand count gets wrong: the trace
 * records only their inputs, and their outputs have another element type (a quantizer) or another length (a
 * permute). Each is priced as the bytes its kernel reads and writes ({@link FbgemmTraffic}, the API's count, which
 * the efficiency columns show too) at the achievable HBM bandwidth of its family ({@link MemoryModel#bandwidthBound}),
 * with the profile's existing efficiencies; nothing here is fitted. Selected by the op mapping the kernel database
 * gives the kernel ({@link FbgemmTraffic#OP_MAPPINGS}). Stateless and thread-safe.
 */
final class FbgemmModel {

    private FbgemmModel() {
    }

    static boolean applies(SimulationRequest r) {
        return FbgemmTraffic.OP_MAPPINGS.contains(r.opMapping());
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        if (!RequestView.hasShapes(r)) {
            return Estimate.unsupported("no operand shapes");
        }
        FbgemmTraffic traffic = FbgemmTraffic.of(r.opMapping(), r.kernelName(), r.operands()).orElseThrow();
        if (!traffic.known()) {
            return Estimate.unsupported(traffic.problem());
        }
        double bytes = traffic.bytes();
        String model = "fbgemm-" + r.opMapping().replace('_', '-');
        boolean copy = r.family() == OperationFamily.COPY;
        if (r.opMapping().equals(FbgemmTraffic.PERMUTE_SPARSE_INDICES)
                || r.opMapping().equals(FbgemmTraffic.PERMUTE_SPARSE_LENGTHS)) {
            return MemoryModel.bandwidthBound(bytes, hw,
                    copy ? Param.COPY_MEMORY_EFFICIENCY : Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                    copy ? Param.COPY_FIXED_LATENCY_US : Param.ELEMENTWISE_FIXED_LATENCY_US, model);
        }
        if (r.family() == OperationFamily.REDUCTION) {
            // the scale pass is a max-reduction of each row
            return MemoryModel.bandwidthBound(bytes, hw, Param.REDUCTION_MEMORY_EFFICIENCY,
                    Param.REDUCTION_FIXED_LATENCY_US, model);
        }
        return MemoryModel.vectorized(r)
                ? MemoryModel.bandwidthBound(bytes, hw, Param.VECTORIZED_MEMORY_EFFICIENCY,
                        Param.VECTORIZED_FIXED_LATENCY_US, model)
                : MemoryModel.bandwidthBound(bytes, hw, Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                        Param.ELEMENTWISE_FIXED_LATENCY_US, model);
    }
}
