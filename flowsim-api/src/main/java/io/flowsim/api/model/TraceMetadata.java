package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a trace says about where and how it was recorded.
 *
 * @param traceName   the trace's name: its file name without {@code .json}/{@code .json.gz}
 * @param source      where it was read from (a path or URI, for messages)
 * @param devices     the GPUs the trace lists (empty when not recorded)
 * @param distributed rank, world size and process groups, when recorded
 * @param rank        this trace's rank: from {@code distributedInfo}, else from the file name
 *                    ({@code ...-TP-3...}), else empty
 * @param properties  versions and other facts, as strings; well-known keys are the constants of
 *                    this class
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record TraceMetadata(String traceName, String source, List<DeviceInfo> devices,
                            Optional<DistributedInfo> distributed, OptionalInt rank,
                            Map<String, String> properties) {

    /** The PyTorch version, when recorded or inferred. */
    public static final String PYTORCH_VERSION = "pytorch_version";
    /** The CUDA runtime version as recorded ({@code 12060}). */
    public static final String CUDA_RUNTIME_VERSION = "cuda_runtime_version";
    /** The CUDA driver version as recorded ({@code 12090}). */
    public static final String CUDA_DRIVER_VERSION = "cuda_driver_version";
    /** The CUPTI version as recorded. */
    public static final String CUPTI_VERSION = "cupti_version";
    /** The trace format dialect the reader detected (e.g. {@code kineto-new-external-id}). */
    public static final String DIALECT = "dialect";
    /**
     * The serving stage the whole trace records, when its producer says so ({@code prefill} or
     * {@code decode}, see {@link Stage#id()}); e.g. from a per-stage file name.
     */
    public static final String STAGE = "stage";

    public TraceMetadata {
        Objects.requireNonNull(traceName, "traceName");
        Objects.requireNonNull(source, "source");
        devices = List.copyOf(Objects.requireNonNull(devices, "devices"));
        Objects.requireNonNull(distributed, "distributed");
        Objects.requireNonNull(rank, "rank");
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    }

    /** The device with the given index, if listed. */
    public Optional<DeviceInfo> device(int id) {
        return devices.stream().filter(d -> d.id() == id).findFirst();
    }
}
