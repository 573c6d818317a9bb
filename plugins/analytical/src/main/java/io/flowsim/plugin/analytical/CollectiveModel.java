package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;

/**
 * Collective communication within one NVLink domain, alpha-beta per algorithm and protocol, the way
 * NCCL's own tuning model reasons: time = a base latency + a latency per ring step + the bytes each
 * GPU must move ({@code 2(n-1)/n * S} for all-reduce, {@code (n-1)/n * S} for all-gather,
 * reduce-scatter and all-to-all, {@code S} for broadcast, reduce and send/receive) at the bus
 * bandwidth. The low-latency protocol (LL) has a small latency and a fraction of the bandwidth; LL128
 * nearly the full bandwidth; NVLink SHARP (NVLS) all-reduce reduces in the switch; the fastest is
 * taken, as NCCL's tuner does. (Kernel names such as {@code ..._RING_LL} are not trusted: recent NCCL
 * launches that kernel for every protocol of the algorithm.) Custom all-reduce kernels (sglang {@code cross_device_reduce_1stage/2stage})
 * read their peers' buffers directly: one-shot moves {@code (n-1) * S} into each GPU, two-shot
 * {@code 2(n-1)/n * S}.
 */
final class CollectiveModel {

    private static final double LL128_BANDWIDTH_FRACTION = 120.0 / 128.0;
    /** GPUs of one HGX/DGX node, the largest NVLink (or PCIe) domain the model describes. */
    static final int GPUS_PER_NODE = 8;

    private CollectiveModel() {
    }

    enum Op { ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, BROADCAST, REDUCE, SEND_RECV, BARRIER }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        String kernel = r.kernelName().toLowerCase(Locale.ROOT);
        if (isCustomAllReduce(kernel, r)) {
            return customAllReduce(r, hw, kernel);
        }
        if (r.collective().isEmpty()) {
            return Estimate.unsupported("a collective without its size: record_param_comms recorded no collective"
                    + " arguments and the launching operator no tensor shape (a TensorList, or record_shapes off)");
        }
        CollectiveInfo c = r.collective().get();
        Op op = op(c.name(), kernel);
        if (op == null) {
            return Estimate.unsupported("unknown collective '" + c.name() + "'");
        }
        int n = c.groupSize();
        if (n > GPUS_PER_NODE) {
            return Estimate.unsupported("a group of " + n + " GPUs" + c.processGroupDescription()
                    .map(d -> " (" + d + ")").orElse("") + " spans several nodes (" + GPUS_PER_NODE
                    + " GPUs per node): inter-node networks are not modelled");
        }
        DataType type = c.dataType();
        if (type == DataType.UNKNOWN) {
            type = typeFromKernelName(kernel);
        }
        if (type == DataType.UNKNOWN && op != Op.BARRIER) {
            return Estimate.unsupported("the collective's element type '" + c.dtype() + "' is unknown");
        }
        double elementBytes = type.bytes();
        double size = switch (op) {
            case ALL_GATHER -> Math.max(c.outputElements(), c.inputElements() * (double) n) * elementBytes;
            case REDUCE_SCATTER -> Math.max(c.inputElements(), c.outputElements() * (double) n) * elementBytes;
            case BARRIER -> 0;
            default -> Math.max(c.inputElements(), c.outputElements()) * elementBytes;
        };
        return nccl(op, n, size, kernel, hw);
    }

    /** A NCCL collective of {@code size} bytes (the full buffer) over {@code n} GPUs. */
    static Estimate nccl(Op op, int n, double size, String kernel, HardwareProfile hw) {
        if (n <= 1) {
            double t = hw.get(Param.NCCL_LL_BASE_LATENCY_US) * 1e-6;
            return Estimate.of(t, "collective", "latency");
        }
        if (hw.peerBytesPerSecond(n) <= 0) {
            return Estimate.unsupported(hw.id() + " has neither NVLink nor PCIe bandwidth in its profile");
        }
        double factor;
        double steps;
        switch (op) {
            case ALL_REDUCE -> {
                factor = 2.0 * (n - 1) / n;
                steps = 2.0 * (n - 1);
            }
            case ALL_GATHER, REDUCE_SCATTER -> {
                factor = (n - 1.0) / n;
                steps = n - 1.0;
            }
            case ALL_TO_ALL -> {
                factor = (n - 1.0) / n;
                steps = 1;
            }
            case SEND_RECV -> {
                factor = 1;
                steps = 1;
            }
            case BARRIER -> {
                factor = 0;
                steps = n - 1.0;
            }
            default -> {
                factor = 1;
                steps = n - 1.0;
            }
        }
        double bus = hw.peerBytesPerSecond(n) * hw.get(Param.NCCL_BUS_EFFICIENCY);
        double bytes = factor * size;
        // The chunk pipeline takes a while to fill; small messages pay a share of it, large ones all of it.
        double fill = hw.get(Param.NCCL_PIPELINE_FILL_US) * 1e-6
                * (1 - Math.exp(-bytes / (hw.get(Param.NCCL_PIPELINE_FILL_MB) * 1e6)));
        double simple = hw.get(Param.NCCL_BASE_LATENCY_US) * 1e-6 + steps * hw.get(Param.NCCL_HOP_LATENCY_US) * 1e-6
                + bytes / bus + fill;
        double llLatency = hw.get(Param.NCCL_LL_BASE_LATENCY_US) * 1e-6
                + steps * hw.get(Param.NCCL_LL_HOP_LATENCY_US) * 1e-6;
        double ll = llLatency + bytes / (bus * hw.get(Param.NCCL_LL_BANDWIDTH_FRACTION));
        double ll128 = llLatency + bytes / (bus * LL128_BANDWIDTH_FRACTION) + fill;
        boolean nvlsPossible = op == Op.ALL_REDUCE && hw.nvlinkSharp() && n >= 4
                && HardwareProfile.NVSWITCH.equals(hw.interconnect());
        double nvls = hw.get(Param.NCCL_BASE_LATENCY_US) * 1e-6 + fill
                + bytes / (hw.nvlinkBytesPerSecond() * hw.get(Param.NCCL_NVLS_BUS_EFFICIENCY));
        double t = Math.min(simple, Math.min(ll, ll128));
        if (nvlsPossible) {
            t = Math.min(t, nvls);
        }
        double latencyPart = Math.min(simple - fill, ll) - bytes / bus;
        return Estimate.of(t, "collective", latencyPart > t / 2 ? "latency" : "network");
    }

    static boolean isCustomAllReduce(String kernel, SimulationRequest r) {
        return kernel.contains("cross_device_reduce") || kernel.contains("custom_all_reduce")
                || kernel.contains("customallreduce") || kernel.contains("one_shot_all_reduce")
                || kernel.contains("two_shot_all_reduce")
                || r.collective().isEmpty() && RequestView.text(r, Attributes.COLLECTIVE_GROUP_SIZE.name()) != null;
    }

    static Estimate customAllReduce(SimulationRequest r, HardwareProfile hw, String kernel) {
        double n;
        if (r.collective().isPresent()) {
            n = r.collective().get().groupSize();
        } else {
            n = RequestView.number(r, Attributes.COLLECTIVE_GROUP_SIZE.name(), Double.NaN);
        }
        if (Double.isNaN(n) || n < 1) {
            return Estimate.unsupported("a custom all-reduce needs the attribute collective.group_size");
        }
        Operand input = RequestView.operand(r, "input", "inp", "out", "output");
        double size;
        if (input != null && !input.shape().isEmpty() && input.dataType() != DataType.UNKNOWN) {
            size = input.bytes();
        } else if (r.collective().isPresent() && r.collective().get().dataType() != DataType.UNKNOWN) {
            size = r.collective().get().inputElements() * r.collective().get().dataType().bytes();
        } else {
            return Estimate.unsupported("a custom all-reduce needs an input operand with shape and type");
        }
        if (n == 1) {
            return Estimate.of(hw.get(Param.CUSTOM_ALLREDUCE_LATENCY_US) * 1e-6, "custom-allreduce", "latency");
        }
        if (hw.peerBytesPerSecond((int) n) <= 0) {
            return Estimate.unsupported(hw.id() + " has neither NVLink nor PCIe bandwidth in its profile");
        }
        double link = hw.peerBytesPerSecond((int) n) * hw.get(Param.CUSTOM_ALLREDUCE_EFFICIENCY);
        double latency = hw.get(Param.CUSTOM_ALLREDUCE_LATENCY_US) * 1e-6;
        double oneShot = latency + (n - 1) * size / link;
        double twoShot = 2 * latency + 2 * (n - 1) / n * size / link;
        double t;
        if (kernel.contains("1stage") || kernel.contains("one_shot")) {
            t = oneShot;
        } else if (kernel.contains("2stage") || kernel.contains("two_shot")) {
            t = twoShot;
        } else {
            t = Math.min(oneShot, twoShot);
        }
        return Estimate.of(t, "custom-allreduce", t < 2 * latency ? "latency" : "network");
    }

    static Op op(String name, String kernel) {
        String s = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
        if (s.isEmpty() || s.equals("nccl")) {
            s = kernel.replace("_", "");
        }
        if (s.contains("allreduce")) {
            return Op.ALL_REDUCE;
        }
        if (s.contains("allgather")) {
            return Op.ALL_GATHER;
        }
        if (s.contains("reducescatter")) {
            return Op.REDUCE_SCATTER;
        }
        if (s.contains("alltoall") || s.contains("all2all")) {
            return Op.ALL_TO_ALL;
        }
        if (s.contains("broadcast")) {
            return Op.BROADCAST;
        }
        if (s.contains("barrier")) {
            return Op.BARRIER;
        }
        if (s.contains("sendrecv") || s.equals("send") || s.equals("recv") || s.contains("send")
                || s.contains("recv")) {
            return Op.SEND_RECV;
        }
        if (s.contains("reduce")) {
            return Op.REDUCE;
        }
        return null;
    }

    static DataType typeFromKernelName(String kernel) {
        for (String t : new String[] {"bf16", "f16", "f32", "f64", "i8", "u8", "i32", "i64", "fp8"}) {
            if (kernel.contains("_" + t + "_") || kernel.contains("_" + t + "(")) {
                return switch (t) {
                    case "bf16" -> DataType.BF16;
                    case "f16" -> DataType.FP16;
                    case "f32" -> DataType.FP32;
                    case "f64" -> DataType.FP64;
                    case "i8" -> DataType.INT8;
                    case "u8" -> DataType.UINT8;
                    case "i32" -> DataType.INT32;
                    case "i64" -> DataType.INT64;
                    default -> DataType.FP8_E4M3;
                };
            }
        }
        return DataType.UNKNOWN;
    }
}
