package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A backend's answer for one {@link SimulationRequest}.
 *
 * @param status      ok, unsupported or failed
 * @param predictedNs the predicted duration in nanoseconds; present exactly when {@code status} is OK
 * @param reason      why the request is unsupported or failed; may note caveats when OK
 * @param backend     the backend's name
 * @param detail      raw backend detail for artifacts and debugging (task ids, model terms, ...)
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record SimulationResult(SimulationStatus status, OptionalLong predictedNs, String reason, String backend,
                               Map<String, String> detail) {
    public SimulationResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(predictedNs, "predictedNs");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(backend, "backend");
        detail = Map.copyOf(Objects.requireNonNull(detail, "detail"));
        if ((status == SimulationStatus.OK) != predictedNs.isPresent()) {
            throw new IllegalArgumentException("a prediction must be present exactly when the status is OK");
        }
        if (predictedNs.isPresent() && predictedNs.getAsLong() < 0) {
            throw new IllegalArgumentException("negative prediction: " + predictedNs.getAsLong());
        }
        if (status != SimulationStatus.OK && reason.isBlank()) {
            throw new IllegalArgumentException("a " + status + " result needs a reason");
        }
    }

    /** A prediction. */
    public static SimulationResult ok(long predictedNs, String backend, Map<String, String> detail) {
        return new SimulationResult(SimulationStatus.OK, OptionalLong.of(predictedNs), "", backend, detail);
    }

    /** The backend does not model this request. */
    public static SimulationResult unsupported(String reason, String backend) {
        return new SimulationResult(SimulationStatus.UNSUPPORTED, OptionalLong.empty(), reason, backend, Map.of());
    }

    /** The backend failed on this request. */
    public static SimulationResult failed(String reason, String backend, Map<String, String> detail) {
        return new SimulationResult(SimulationStatus.FAILED, OptionalLong.empty(), reason, backend, detail);
    }
}
