package io.flowsim.plugin.pytorch;

/**
 * A {@code gpu_user_annotation} whose name looks like a shape label: the GPU-side copy of a
 * {@code record_function} range, which covers the kernels launched inside it on its stream.
 * {@code thread} is its (pid, tid) in the trace's {@link ThreadTable}: (device, stream), except in
 * merged traces, where the pid also tells the rank.
 */
record GpuAnnotation(String name, int thread, long tsNs, long durNs, long externalId, long ordinal) {

    long endNs() {
        return tsNs + durNs;
    }
}
