package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;

/**
 * A measured duration of one or more GPU kernels that ran back to back, for scoring or calibrating a
 * simulator backend. A row of a latency table often times more than one kernel (an FP8 GEMM row
 * includes the kernel that quantises the activations; an attention row includes the KV-cache write),
 * so a measurement lists every kernel it contains and is compared with the sum of their predictions.
 *
 * @param key        identifies the measured configuration, stable across runs and independent of the
 *                   measured value (for example {@code gemm|bfloat16|m=128|n=4096|k=4096}); used to
 *                   split data deterministically into fitting and held-out parts, so repeated
 *                   measurements of one configuration always land on the same side
 * @param group      the group it is reported in ({@code gemm bf16}, {@code all_reduce >= 1 MiB})
 * @param kernels    the kernels the measured time contains, at least one
 * @param subject    the index in {@code kernels} of the kernel the measurement is about (the GEMM of an
 *                   FP8 GEMM row, not its quantization kernel); a calibration fits that kernel's model
 * @param measuredNs the measured duration in nanoseconds, at least 0
 * @param origin     where it came from, for messages ({@code gemm_perf.csv.gz:1234})
 *
 * <p>Experimental: one implementation so far (the measured-tables plugin); the table model may change
 * as more table formats arrive.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record Measurement(String key, String group, List<SimulationRequest> kernels, int subject, long measuredNs,
                          String origin) {
    public Measurement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(group, "group");
        kernels = List.copyOf(Objects.requireNonNull(kernels, "kernels"));
        Objects.requireNonNull(origin, "origin");
        if (kernels.isEmpty()) {
            throw new IllegalArgumentException("measurement " + key + " lists no kernels");
        }
        if (subject < 0 || subject >= kernels.size()) {
            throw new IllegalArgumentException("measurement " + key + ": subject " + subject + " is not one of its "
                    + kernels.size() + " kernels");
        }
        if (measuredNs < 0) {
            throw new IllegalArgumentException("negative measured duration for " + key + ": " + measuredNs);
        }
    }

    /** The kernel the measurement is about. */
    public SimulationRequest subjectKernel() {
        return kernels.get(subject);
    }
}
