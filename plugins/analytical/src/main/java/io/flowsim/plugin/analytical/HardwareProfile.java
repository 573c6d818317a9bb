package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One GPU as the analytical model sees it: datasheet figures plus the model's efficiency parameters.
 * Immutable; read from a JSON profile by {@link ProfileFiles}.
 *
 * @param id                  stable id ({@code h100-sxm})
 * @param name                display name ({@code NVIDIA H100 SXM5 80GB})
 * @param aliases             other names the GPU goes by (trace device names, short names)
 * @param architecture        {@code ampere}, {@code hopper}, {@code blackwell}, ...
 * @param smCount             streaming multiprocessors
 * @param boostClockMhz       the SM clock the peak figures assume
 * @param memoryGib           device memory
 * @param peakTflops          dense (no sparsity) peak per precision class: {@code fp64, fp32, tf32, bf16,
 *                            fp16, fp8, int8, fp4}; a missing class means the GPU has no such units. A
 *                            {@code bf16} peak without an {@code fp16} one stands for both (every GPU with
 *                            BF16 tensor cores multiplies FP16 at the same rate); an {@code fp16} peak alone
 *                            is a GPU without BF16 units (Volta, Turing)
 * @param hbmBandwidthGbps    device memory bandwidth, GB/s (1e9 bytes per second)
 * @param l2CacheMib          L2 cache size
 * @param nvlinkBandwidthGbps NVLink bandwidth per direction per GPU, GB/s
 * @param nvlinkSharp         whether NVSwitch reductions (NVLS) are available for all-reduce
 * @param pcieBandwidthGbps   host link bandwidth per direction, GB/s
 * @param launchOverheadUs    host-side launch cost per kernel; not part of a kernel's duration
 * @param gemmTiles           the output tiles {@code [rows, columns]} the GEMM libraries use on it
 * @param parameters          the model parameters, indexed by {@link Param#ordinal()}
 * @param origin              where the profile was read from (resource or file), for messages
 * @param interconnect        how the GPUs of a node are joined: {@link #NVSWITCH} (every GPU at full NVLink
 *                            bandwidth), {@link #NVLINK_BRIDGE} (pairs of cards bridged, larger groups over
 *                            PCIe) or {@link #PCIE} (no NVLink)
 * @param hostLinkSharedBy    GPUs that share one host PCIe uplink (2 on HGX A100/H100 boards), so concurrent
 *                            host copies get this fraction of the link each
 * @param gpusPerNode         GPUs of one node (one NVLink or PCIe domain); a collective over more GPUs
 *                            crosses the network between nodes
 * @param internodeBandwidthGbps the network bandwidth per GPU per direction between nodes, GB/s (one NIC per
 *                            GPU on DGX/HGX systems); 0 when the profile does not describe a network
 * @param dramLatencyNs       the time one load that misses the L2 takes to return from device memory, unloaded
 *                            (a single warp's pointer chase), ns; 0 when the profile gives none, and then kernels
 *                            whose warps wait on chains of dependent loads are priced by their bytes alone
 */
record HardwareProfile(String id, String name, List<String> aliases, String architecture, int smCount,
                       double boostClockMhz, double memoryGib, Map<String, Double> peakTflops,
                       double hbmBandwidthGbps, double l2CacheMib, double nvlinkBandwidthGbps, boolean nvlinkSharp,
                       double pcieBandwidthGbps, double launchOverheadUs, List<int[]> gemmTiles,
                       double[] parameters, String origin, String interconnect, double hostLinkSharedBy,
                       int gpusPerNode, double internodeBandwidthGbps, double dramLatencyNs) {

    /** Every GPU of the node on NVSwitch at its full NVLink bandwidth. */
    static final String NVSWITCH = "nvswitch";
    /** NVLink bridges between the two cards of a pair; larger groups communicate over PCIe. */
    static final String NVLINK_BRIDGE = "nvlink-bridge";
    /** No NVLink: peers communicate over PCIe. */
    static final String PCIE = "pcie";
    /** The interconnects a profile may name. */
    static final List<String> INTERCONNECTS = List.of(NVSWITCH, NVLINK_BRIDGE, PCIE);

    /** GPUs per node of a profile that does not say (HGX/DGX boards and most PCIe servers hold 8). */
    static final int DEFAULT_GPUS_PER_NODE = 8;

    /** A profile on NVSwitch (or PCIe without NVLink) whose host link is its own, 8 GPUs a node, no network. */
    HardwareProfile(String id, String name, List<String> aliases, String architecture, int smCount,
                    double boostClockMhz, double memoryGib, Map<String, Double> peakTflops,
                    double hbmBandwidthGbps, double l2CacheMib, double nvlinkBandwidthGbps, boolean nvlinkSharp,
                    double pcieBandwidthGbps, double launchOverheadUs, List<int[]> gemmTiles,
                    double[] parameters, String origin) {
        this(id, name, aliases, architecture, smCount, boostClockMhz, memoryGib, peakTflops, hbmBandwidthGbps,
                l2CacheMib, nvlinkBandwidthGbps, nvlinkSharp, pcieBandwidthGbps, launchOverheadUs, gemmTiles,
                parameters, origin, nvlinkBandwidthGbps > 0 ? NVSWITCH : PCIE, 1, DEFAULT_GPUS_PER_NODE, 0, 0);
    }

    /**
     * The per-direction bandwidth, bytes per second, between the GPUs of a group of {@code n}: NVLink on
     * NVSwitch, NVLink for a bridged pair, otherwise PCIe.
     */
    double peerBytesPerSecond(int n) {
        if (nvlinkBandwidthGbps > 0 && (NVSWITCH.equals(interconnect) || NVLINK_BRIDGE.equals(interconnect) && n <= 2)) {
            return nvlinkBytesPerSecond();
        }
        return pcieBytesPerSecond();
    }

    /** Whether a group of {@code n} GPUs communicates over NVLink (rather than PCIe). */
    boolean nvlinkGroup(int n) {
        return nvlinkBandwidthGbps > 0 && (NVSWITCH.equals(interconnect) || NVLINK_BRIDGE.equals(interconnect) && n <= 2);
    }

    /** The precision classes a profile may list under {@code peak_tflops}. */
    static final List<String> PRECISIONS = List.of("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4");

    HardwareProfile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        aliases = List.copyOf(aliases);
        if (peakTflops.containsKey("bf16") && !peakTflops.containsKey("fp16")) {
            Map<String, Double> withFp16 = new java.util.HashMap<>(peakTflops);
            withFp16.put("fp16", peakTflops.get("bf16"));
            peakTflops = withFp16;
        }
        peakTflops = Map.copyOf(peakTflops);
        gemmTiles = List.copyOf(gemmTiles);
        parameters = parameters.clone();
        if (parameters.length != Param.values().length) {
            throw new IllegalArgumentException("profile " + id + " has " + parameters.length + " parameters");
        }
        if (gpusPerNode < 1 || internodeBandwidthGbps < 0) {
            throw new IllegalArgumentException("profile " + id + " has " + gpusPerNode + " GPUs per node and "
                    + internodeBandwidthGbps + " GB/s between nodes");
        }
    }

    /** The precision class of a data type, or null when no tensor or vector unit computes in it. */
    static String precisionOf(DataType type) {
        return switch (type) {
            case FP64 -> "fp64";
            case FP32 -> "fp32";
            case TF32 -> "tf32";
            case FP16 -> "fp16";
            case BF16 -> "bf16";
            case FP8_E4M3, FP8_E5M2 -> "fp8";
            case INT8, UINT8 -> "int8";
            case FP4_E2M1 -> "fp4";
            default -> null;
        };
    }

    /** Dense peak in FLOP/s for a precision class, if the GPU has it. */
    OptionalDouble peakFlops(String precision) {
        Double tflops = precision == null ? null : peakTflops.get(precision);
        return tflops == null || tflops <= 0 ? OptionalDouble.empty() : OptionalDouble.of(tflops * 1e12);
    }

    /**
     * The 16-bit tensor-core peak in FLOP/s, the rate the models scale other precisions' fixed costs against:
     * BF16's, else FP16's on a GPU without BF16 units (Volta, Turing); empty when it has neither.
     */
    OptionalDouble tensor16Flops() {
        OptionalDouble bf16 = peakFlops("bf16");
        return bf16.isPresent() ? bf16 : peakFlops("fp16");
    }

    /** Device memory bandwidth in bytes per second. */
    double hbmBytesPerSecond() {
        return hbmBandwidthGbps * 1e9;
    }

    /** NVLink bandwidth per direction in bytes per second (0 when the GPU has none). */
    double nvlinkBytesPerSecond() {
        return nvlinkBandwidthGbps * 1e9;
    }

    /** Host link bandwidth per direction in bytes per second. */
    double pcieBytesPerSecond() {
        return pcieBandwidthGbps * 1e9;
    }

    /** Network bandwidth per GPU per direction between nodes in bytes per second (0 when not described). */
    double internodeBytesPerSecond() {
        return internodeBandwidthGbps * 1e9;
    }

    /** A model parameter's value. */
    double get(Param p) {
        return parameters[p.ordinal()];
    }

    /** A copy with other parameter values. */
    HardwareProfile withParameters(double[] values) {
        return new HardwareProfile(id, name, aliases, architecture, smCount, boostClockMhz, memoryGib, peakTflops,
                hbmBandwidthGbps, l2CacheMib, nvlinkBandwidthGbps, nvlinkSharp, pcieBandwidthGbps, launchOverheadUs,
                gemmTiles, values, origin, interconnect, hostLinkSharedBy, gpusPerNode, internodeBandwidthGbps,
                dramLatencyNs);
    }

    /** A copy with another network between nodes (a what-if of the run). */
    HardwareProfile withNetwork(int newGpusPerNode, double newInternodeBandwidthGbps) {
        return new HardwareProfile(id, name, aliases, architecture, smCount, boostClockMhz, memoryGib, peakTflops,
                hbmBandwidthGbps, l2CacheMib, nvlinkBandwidthGbps, nvlinkSharp, pcieBandwidthGbps, launchOverheadUs,
                gemmTiles, parameters, origin, interconnect, hostLinkSharedBy, newGpusPerNode, newInternodeBandwidthGbps,
                dramLatencyNs);
    }

    /** A copy with another id, name, aliases and origin. */
    HardwareProfile renamed(String newId, String newName, List<String> newAliases, String newOrigin) {
        return new HardwareProfile(newId, newName, newAliases, architecture, smCount, boostClockMhz, memoryGib,
                peakTflops, hbmBandwidthGbps, l2CacheMib, nvlinkBandwidthGbps, nvlinkSharp, pcieBandwidthGbps,
                launchOverheadUs, gemmTiles, parameters, newOrigin, interconnect, hostLinkSharedBy, gpusPerNode,
                internodeBandwidthGbps, dramLatencyNs);
    }

    @Override
    public double[] parameters() {
        return parameters.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HardwareProfile p && p.id.equals(id) && p.origin.equals(origin)
                && Arrays.equals(p.parameters, parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, origin, Arrays.hashCode(parameters));
    }

    @Override
    public String toString() {
        return id + " (" + name + ", " + origin + ")";
    }
}
