package io.flowsim.plugin.pytorch;

/**
 * A {@code gpu_user_annotation} whose name looks like a shape label: the GPU-side copy of a
 * {@code record_function} range, which covers the kernels launched inside it on its stream.
 */
record GpuAnnotation(String name, long device, long stream, long tsNs, long durNs, long externalId, long ordinal) {

    long endNs() {
        return tsNs + durNs;
    }
}
