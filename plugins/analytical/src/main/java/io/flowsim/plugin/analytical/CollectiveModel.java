package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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
 *
 * <p>A group that spans nodes ({@link Placement}) crosses the network between them, each GPU through its own
 * NIC ({@code internode_bandwidth_gbps} of the profile): a ring through the nodes moves the same bytes per GPU,
 * but each node's {@code g} GPUs of the group send the ring's crossings through their {@code g} NICs, so its
 * bus rate is {@code min(NVLink rate, g * NIC rate)}, and {@code 2(nodes-1)} (all-reduce) or {@code nodes-1}
 * (all-gather, reduce-scatter) of its steps are network steps. All-reduce may also take NCCL's tree (a chain
 * within each node, a binary tree over the nodes: {@code 2S} per GPU, {@code 2(g-1)} NVLink and
 * {@code 2 ceil(log2 nodes)} network steps). An all-to-all sends {@code (n-g)/n * S} through each GPU's NIC
 * while {@code (g-1)/n * S} goes over NVLink.
 */
final class CollectiveModel {

    private static final double LL128_BANDWIDTH_FRACTION = 120.0 / 128.0;

    private CollectiveModel() {
    }

    enum Op { ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, BROADCAST, REDUCE, SEND_RECV, BARRIER }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        KernelNameFacts kernel = KernelNameFacts.of(r);
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
        Placement placement = Placement.of(r, c, hw);
        if (placement.nodes() > 1 && hw.internodeBandwidthGbps() <= 0) {
            return Estimate.unsupported("a group of " + n + " GPUs" + c.processGroupDescription()
                    .map(d -> " (" + d + ")").orElse("") + " spans " + placement.nodes() + " nodes ("
                    + placement.perNode() + " GPUs of it per node), and " + hw.id()
                    + " describes no network between nodes: give a profile with internode_bandwidth_gbps (--hardware)");
        }
        DataType type = c.dataType();
        if (type == DataType.UNKNOWN) {
            type = kernel.collectiveType();
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
        return placement.nodes() > 1 ? acrossNodes(op, n, placement, size, hw) : nccl(op, n, size, r.kernelName(), hw);
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

    /**
     * How a group lies on the nodes of the job: its GPUs on each node ({@code perNode}) and the nodes.
     *
     * @param perNode GPUs of the group on one node (the most on any node)
     * @param nodes   nodes the group spans
     */
    record Placement(int perNode, int nodes) {

        /**
         * From the attribute {@code collective.gpus_per_node} when a reader knows the job's layout, else from
         * the group's global ranks when all of them are recorded (rank {@code r} on node {@code r / G}, G the
         * profile's GPUs per node), else the group packed onto nodes of G GPUs.
         */
        static Placement of(SimulationRequest r, CollectiveInfo c, HardwareProfile hw) {
            int n = c.groupSize();
            double given = RequestView.number(r, Attributes.COLLECTIVE_GPUS_PER_NODE.name(), Double.NaN);
            if (given >= 1) {
                int perNode = (int) Math.min(n, given);
                return new Placement(perNode, (n + perNode - 1) / perNode);
            }
            int node = hw.gpusPerNode();
            if (c.ranks().size() == n && n > 1) {
                Map<Integer, Integer> counts = new HashMap<>();
                for (int rank : c.ranks()) {
                    counts.merge(Math.floorDiv(rank, node), 1, Integer::sum);
                }
                int most = 0;
                for (int k : counts.values()) {
                    most = Math.max(most, k);
                }
                return new Placement(most, counts.size());
            }
            int perNode = Math.min(n, node);
            return new Placement(perNode, (n + perNode - 1) / perNode);
        }
    }

    /** One way to run a collective: its time and the part of it that is latency. */
    private record Candidate(double seconds, double latency) {
    }

    /**
     * A NCCL collective of {@code size} bytes (the full buffer) over {@code n} GPUs on several nodes: every
     * algorithm and protocol NCCL could pick, the fastest taken.
     */
    static Estimate acrossNodes(Op op, int n, Placement placement, double size, HardwareProfile hw) {
        int g = placement.perNode();
        int nodes = placement.nodes();
        if (g > 1 && hw.peerBytesPerSecond(g) <= 0) {
            return Estimate.unsupported(hw.id() + " has neither NVLink nor PCIe bandwidth in its profile");
        }
        double nic = hw.internodeBytesPerSecond() * hw.get(Param.NCCL_NET_BUS_EFFICIENCY);
        double link = g > 1 ? hw.peerBytesPerSecond(g) * hw.get(Param.NCCL_BUS_EFFICIENCY) : Double.POSITIVE_INFINITY;
        // A ring through the nodes: each node's g GPUs of the group carry the ring's crossings on their g NICs.
        double ring = Math.min(link, g * nic);
        Candidate best;
        switch (op) {
            case ALL_TO_ALL -> {
                // every GPU sends (n-g)/n of its buffer through its own NIC and (g-1)/n over NVLink, at once
                double network = (n - g) / (double) n * size / nic;
                double local = g > 1 ? (g - 1.0) / n * size / link : 0;
                best = fastest((n - 1.0) / n * size, Math.max(network, local), 0, 1, hw);
            }
            // the pipeline stages of a group that spans nodes sit on different nodes: one NIC carries it
            case SEND_RECV -> best = fastest(size, size / nic, 0, 1, hw);
            default -> {
                double factor;
                int networkSteps;
                int steps;
                switch (op) {
                    case ALL_REDUCE, BARRIER -> {
                        factor = op == Op.BARRIER ? 0 : 2.0 * (n - 1) / n;
                        steps = 2 * (n - 1);
                        networkSteps = 2 * (nodes - 1);
                    }
                    case ALL_GATHER, REDUCE_SCATTER -> {
                        factor = (n - 1.0) / n;
                        steps = n - 1;
                        networkSteps = nodes - 1;
                    }
                    default -> {
                        factor = 1;
                        steps = n - 1;
                        networkSteps = nodes - 1;
                    }
                }
                double bytes = factor * size;
                best = fastest(bytes, bytes / ring, steps - networkSteps, networkSteps, hw);
                if (op == Op.ALL_REDUCE || op == Op.BARRIER) {
                    // NCCL's tree: a chain within each node, a binary tree over the nodes, up and down again
                    double treeBytes = op == Op.BARRIER ? 0 : 2 * size;
                    int levels = 32 - Integer.numberOfLeadingZeros(nodes - 1);
                    Candidate tree = fastest(treeBytes, treeBytes / ring, 2 * (g - 1), 2 * levels, hw);
                    best = tree.seconds() < best.seconds() ? tree : best;
                }
            }
        }
        return Estimate.of(best.seconds(), "collective", best.latency() > best.seconds() / 2 ? "latency" : "network");
    }

    /**
     * The fastest protocol for moving {@code bytes} per GPU in {@code transfer} seconds at the Simple protocol's
     * bandwidth, over {@code linkSteps} NVLink (or PCIe) steps and {@code networkSteps} network steps: Simple
     * (its latencies, the chunk pipeline's fill), LL128 (LL's latency within a node, Simple's across the
     * network, 120/128 of the bandwidth, the fill) or LL (its own latencies, its fraction of the bandwidth).
     */
    private static Candidate fastest(double bytes, double transfer, int linkSteps, int networkSteps,
                                     HardwareProfile hw) {
        double us = 1e-6;
        double fill = hw.get(Param.NCCL_PIPELINE_FILL_US) * us
                * (1 - Math.exp(-bytes / (hw.get(Param.NCCL_PIPELINE_FILL_MB) * 1e6)));
        double simpleLatency = (hw.get(Param.NCCL_BASE_LATENCY_US) + linkSteps * hw.get(Param.NCCL_HOP_LATENCY_US)
                + networkSteps * hw.get(Param.NCCL_NET_HOP_LATENCY_US)) * us;
        double ll128Latency = (hw.get(Param.NCCL_LL_BASE_LATENCY_US) + linkSteps * hw.get(Param.NCCL_LL_HOP_LATENCY_US)
                + networkSteps * hw.get(Param.NCCL_NET_HOP_LATENCY_US)) * us;
        double llLatency = (hw.get(Param.NCCL_LL_BASE_LATENCY_US) + linkSteps * hw.get(Param.NCCL_LL_HOP_LATENCY_US)
                + networkSteps * hw.get(Param.NCCL_NET_LL_HOP_LATENCY_US)) * us;
        Candidate best = new Candidate(simpleLatency + transfer + fill, simpleLatency);
        Candidate ll128 = new Candidate(ll128Latency + transfer / LL128_BANDWIDTH_FRACTION + fill, ll128Latency);
        Candidate ll = new Candidate(llLatency + transfer / hw.get(Param.NCCL_LL_BANDWIDTH_FRACTION), llLatency);
        best = ll128.seconds() < best.seconds() ? ll128 : best;
        return ll.seconds() < best.seconds() ? ll : best;
    }

    static boolean isCustomAllReduce(KernelNameFacts kernel, SimulationRequest r) {
        return kernel.customAllReduce()
                || r.collective().isEmpty() && RequestView.text(r, Attributes.COLLECTIVE_GROUP_SIZE.name()) != null;
    }

    /** Whether a lower-case kernel name is one of the custom all-reduce kernels. */
    static boolean customAllReduceName(String kernel) {
        return kernel.contains("cross_device_reduce") || kernel.contains("custom_all_reduce")
                || kernel.contains("customallreduce") || kernel.contains("one_shot_all_reduce")
                || kernel.contains("two_shot_all_reduce");
    }

    static Estimate customAllReduce(SimulationRequest r, HardwareProfile hw, KernelNameFacts kernel) {
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
        if (kernel.oneStage()) {
            t = oneShot;
        } else if (kernel.twoStage()) {
            t = twoShot;
        } else {
            t = Math.min(oneShot, twoShot);
        }
        return Estimate.of(t, "custom-allreduce", t < 2 * latency ? "latency" : "network");
    }

    /** The collective a collective's name says, or, when that name is empty or {@code nccl}, its kernel's name. */
    static Op op(String name, KernelNameFacts kernel) {
        String s = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
        if (s.isEmpty() || s.equals("nccl")) {
            return kernel.collectiveOp();
        }
        return opOfText(s);
    }

    /** The collective a lower-case name without separators says, or null. */
    static Op opOfText(String s) {
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
