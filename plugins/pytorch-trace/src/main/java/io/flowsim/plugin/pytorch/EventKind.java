package io.flowsim.plugin.pytorch;

import java.util.Map;

/**
 * What an event is, from its {@code cat} (and, for flows, its phase), with the legacy category
 * names of PyTorch 1.8&ndash;1.13 normalised to the modern ones.
 */
enum EventKind {
    /** {@code cpu_op} (legacy {@code Operator}): an operator, with shapes when recorded. */
    CPU_OP,
    /** {@code user_annotation}: a {@code record_function} range on a CPU thread (shape labels live here). */
    USER_ANNOTATION,
    /** {@code python_function}: a Python frame; feeds call stacks only. */
    PYTHON_FUNCTION,
    /** {@code cuda_runtime}, {@code cuda_driver} and other vendors' runtime calls (legacy {@code Runtime}). */
    RUNTIME,
    /** {@code kernel} (legacy {@code Kernel}). */
    KERNEL,
    /** {@code gpu_memcpy} (legacy {@code Memcpy}). */
    MEMCPY,
    /** {@code gpu_memset} (legacy {@code Memset}). */
    MEMSET,
    /** {@code gpu_user_annotation}: the GPU-side projection of a user annotation. */
    GPU_USER_ANNOTATION,
    /** Other GPU-side events ({@code cuda_sync}, vendor GPU categories): neither emitted nor frames. */
    GPU_OTHER,
    /** A CPU-to-GPU launch flow ({@code ac2g}, legacy {@code async_gpu} / {@code async_cpu_to_gpu}). */
    LAUNCH_FLOW,
    /** Any other event on a CPU thread ({@code overhead}, unknown categories): a call-stack frame when it is a span. */
    OTHER;

    private static final Map<String, EventKind> BY_CATEGORY = Map.ofEntries(
            Map.entry("cpu_op", CPU_OP), Map.entry("Operator", CPU_OP), Map.entry("operator", CPU_OP),
            Map.entry("user_annotation", USER_ANNOTATION),
            Map.entry("python_function", PYTHON_FUNCTION),
            Map.entry("cuda_runtime", RUNTIME), Map.entry("cuda_driver", RUNTIME), Map.entry("Runtime", RUNTIME),
            Map.entry("runtime", RUNTIME), Map.entry("hip_runtime", RUNTIME), Map.entry("xpu_runtime", RUNTIME),
            Map.entry("privateuse1_runtime", RUNTIME), Map.entry("mtia_runtime", RUNTIME),
            Map.entry("kernel", KERNEL), Map.entry("Kernel", KERNEL),
            Map.entry("gpu_memcpy", MEMCPY), Map.entry("Memcpy", MEMCPY),
            Map.entry("gpu_memset", MEMSET), Map.entry("Memset", MEMSET),
            Map.entry("gpu_user_annotation", GPU_USER_ANNOTATION),
            Map.entry("cuda_sync", GPU_OTHER), Map.entry("mtia_ccp_events", GPU_OTHER),
            // the predicted tracks of a FlowSim timeline (<trace>.timeline.json.gz)
            Map.entry("flowsim_predicted", GPU_OTHER),
            Map.entry("ac2g", LAUNCH_FLOW), Map.entry("async_gpu", LAUNCH_FLOW),
            Map.entry("async_cpu_to_gpu", LAUNCH_FLOW));

    /** Whether this kind is emitted as a kernel record. */
    boolean isGpuActivity() {
        return this == KERNEL || this == MEMCPY || this == MEMSET;
    }

    /**
     * The kind of an event with category {@code category} (may be null). Flows are launch flows
     * only for the launch-flow categories; other flows ({@code fwdbwd}) are {@link #OTHER}.
     */
    static EventKind of(String category) {
        if (category == null) {
            return OTHER;
        }
        EventKind kind = BY_CATEGORY.get(category);
        return kind == null ? OTHER : kind;
    }
}
