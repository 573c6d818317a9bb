package io.flowsim.api;

import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.List;
import java.util.Optional;

/**
 * Predicts kernel durations on a hardware target.
 *
 * <p>Backends receive a whole batch so that a remote, asynchronous backend can submit, poll and
 * report progress (through the context's reporter). The runtime de-duplicates identical requests
 * before it calls {@link #simulate}, so every request in a batch is distinct.
 */
public interface SimulatorBackend extends FlowsimExtension {

    /**
     * Simulates a batch of distinct requests.
     *
     * @return one result per request, in the same order; a request the backend cannot model gets
     *         an {@code UNSUPPORTED} result with the reason, never a silent guess
     * @throws FlowsimException {@link ErrorCode#UNAVAILABLE} when the backend cannot be reached at
     *                          all, {@link ErrorCode#USAGE} when the target is unknown to it
     */
    List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context);

    /**
     * Caveats users should read beside this backend's numbers (for example that predicted times
     * exclude launch overhead). Printed and written with the summary.
     */
    default List<String> notes(HardwareTarget target, RunContext context) {
        return List.of();
    }

    /**
     * The datasheet peaks of {@code target} (FLOP/s per type, memory and link bandwidth) as this
     * backend knows them, for efficiency figures; empty when it does not know the GPU or has no such
     * figures. Never fails for an unknown GPU. The runtime also asks the default backend for the
     * peaks of the GPU a trace was recorded on when it only parses.
     */
    default Optional<GpuPeaks> peaks(HardwareTarget target, RunContext context) {
        return Optional.empty();
    }

    /**
     * Whether this backend can fit its model to measurements ({@code flowsim calibrate}). A backend
     * that can also reads the description it writes back from the option {@code hardware} (the
     * command line's {@code --hardware FILE}).
     */
    default boolean canCalibrate() {
        return false;
    }

    /**
     * Fits the backend's model of {@code request.target()} to the measurements and writes the fitted
     * description to {@code request.output()}. Fitted parameters stay within physical bounds (an
     * efficiency never exceeds the hardware's peak). The runtime scores the result on data held out
     * from the request; the backend never sees it.
     *
     * @throws FlowsimException {@link ErrorCode#USAGE} when the target is unknown,
     *                          {@link ErrorCode#BAD_INPUT} when the measurements cannot be used
     */
    default CalibrationResult calibrate(CalibrationRequest request, RunContext context) {
        throw FlowsimException.unsupported(this, "calibration");
    }
}
