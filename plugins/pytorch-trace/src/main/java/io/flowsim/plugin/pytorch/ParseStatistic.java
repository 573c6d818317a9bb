package io.flowsim.plugin.pytorch;

/**
 * The counts {@link KinetoTrace#statistics()} reports, with their keys. docs/trace-parsing.md
 * documents each key; keep the two in step.
 */
enum ParseStatistic {
    EVENTS("events"),
    EVENTS_CPU_OP("events.cpu_op"),
    EVENTS_USER_ANNOTATION("events.user_annotation"),
    EVENTS_PYTHON_FUNCTION("events.python_function"),
    EVENTS_GPU_USER_ANNOTATION("events.gpu_user_annotation"),
    EVENTS_FLOW_START("events.launch_flow_start"),
    EVENTS_FLOW_END("events.launch_flow_end"),
    EVENTS_METADATA("events.metadata"),
    EVENTS_OTHER("events.other"),

    GPU_ACTIVITIES("gpu_activities"),
    KERNELS("kernels"),
    MEMCPY("memcpy"),
    MEMSET("memset"),

    KERNELS_WITH_CORRELATION("kernels.with_correlation"),
    KERNELS_LAUNCH_BY_CORRELATION("kernels.launch.by_correlation"),
    KERNELS_LAUNCH_BY_FLOW("kernels.launch.by_flow"),
    KERNELS_LAUNCH_MISSING("kernels.launch.missing"),
    KERNELS_LAUNCH_AMBIGUOUS("kernels.launch.ambiguous_correlation"),
    KERNELS_WITH_EXTERNAL_ID("kernels.with_external_id"),
    KERNELS_EXTERNAL_ID_EQUALS_CORRELATION("kernels.external_id_equals_correlation"),
    KERNELS_EXTERNAL_ID_MATCHES_CPU_OP("kernels.external_id_matches_cpu_op"),
    KERNELS_LAUNCH_NESTED_IN_CPU_OP("kernels.launch_nested_in_cpu_op"),
    KERNELS_OP_BY_EXTERNAL_ID("kernels.op.by_external_id"),
    KERNELS_OP_BY_NESTING("kernels.op.by_nesting"),
    KERNELS_OP_BY_ANNOTATION("kernels.op.by_annotation"),
    KERNELS_OP_BY_GPU_ANNOTATION("kernels.op.by_gpu_annotation"),
    KERNELS_OP_NONE("kernels.op.none"),
    KERNELS_SHAPES_FROM_PROFILER("kernels.shapes.profiler"),
    KERNELS_SHAPES_FROM_ANNOTATION("kernels.shapes.annotation"),
    KERNELS_WITHOUT_SHAPES("kernels.shapes.none"),
    KERNELS_UNLINKED("kernels.unlinked"),
    KERNELS_WITH_CALL_STACK("kernels.with_call_stack"),
    KERNELS_IN_CUDA_GRAPH("kernels.cuda_graph"),

    MEMORY_OPS_LINKED_TO_OP("memory_ops.linked_to_op"),
    MEMORY_OPS_UNLINKED("memory_ops.unlinked"),

    RUNTIME_EVENTS("runtime.events"),
    RUNTIME_LAUNCHES("runtime.launches"),
    RUNTIME_WITH_EXTERNAL_ID("runtime.with_external_id"),
    RUNTIME_EXTERNAL_ID_EQUALS_CORRELATION("runtime.external_id_equals_correlation"),
    RUNTIME_NESTED_IN_CPU_OP("runtime.nested_in_cpu_op"),
    RUNTIME_NESTED_IN_CPU_OP_OR_ANNOTATION("runtime.nested_in_cpu_op_or_annotation"),
    RUNTIME_EXTERNAL_ID_REJECTED("runtime.external_id_rejected"),
    RUNTIME_EXTERNAL_ID_DISAGREES_WITH_NESTING("runtime.external_id_disagrees_with_nesting"),

    DURATIONS_CLAMPED("durations_clamped"),
    IDS_BEYOND_64_BITS("ids_beyond_64_bits"),
    SPILL_RECORDS("spill.records"),
    SPILL_BYTES("spill.bytes");

    private final String key;

    ParseStatistic(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }
}
