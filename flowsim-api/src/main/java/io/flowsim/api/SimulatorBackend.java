package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.List;

/**
 * Predicts kernel durations on a hardware target.
 *
 * <p>Like resolvers and exporters, a backend opens a session per run ({@link #open(RunContext)}) and
 * keeps per-run state there, never in fields: the runtime opens one, calls
 * {@link SimulationSession#simulate} (once per trace, once per table, or repeatedly for
 * {@code flowsim bench}), asks for its {@link SimulationSession#notes notes} and closes it. Backends
 * receive a whole batch so that a remote, asynchronous backend can submit, poll and report progress
 * (through the context's reporter). The runtime de-duplicates identical requests before it calls
 * {@code simulate}, so every request in a batch is distinct.
 *
 * <p>Implement {@link #open(RunContext)}. A backend without per-run state may implement the one-shot
 * {@link #simulate(List, HardwareTarget, RunContext)} (and {@link #notes(HardwareTarget, RunContext)})
 * instead: the default {@code open} wraps them. Each default calls the other, so a backend must
 * implement at least one of the two.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface SimulatorBackend extends FlowsimExtension {

    /**
     * Opens a session for one run: reads and checks the run's options, prepares what every call
     * shares. The runtime also opens (and closes) one session before it reads any trace or table, so a
     * setting or file refused here ends the run at once; work that is not a check (a connection, a
     * process) is best left for the first call. The default wraps
     * {@link #simulate(List, HardwareTarget, RunContext)} and {@link #notes(HardwareTarget, RunContext)}.
     *
     * @throws FlowsimException {@link ErrorCode#USAGE} naming the option when a setting is wrong,
     *                          {@link ErrorCode#BAD_INPUT} when a file it names cannot be used
     */
    default SimulationSession open(RunContext context) {
        SimulatorBackend backend = this;
        if (!OneShotBackends.overrides(backend, "simulate", List.class, HardwareTarget.class, RunContext.class)) {
            throw new IllegalStateException(getClass().getName() + " implements neither open(RunContext) nor "
                    + "simulate(List, HardwareTarget, RunContext)");
        }
        boolean notes = OneShotBackends.overrides(backend, "notes", HardwareTarget.class, RunContext.class);
        return new SimulationSession() {
            @Override
            public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target) {
                return backend.simulate(batch, target, context);
            }

            @Override
            public List<String> notes(HardwareTarget target) {
                return notes ? backend.notes(target, context) : List.of();
            }
        };
    }

    /**
     * Simulates a batch of distinct requests in a session of its own (open, simulate, close).
     *
     * @return one result per request, in the same order; a request the backend cannot model gets
     *         an {@code UNSUPPORTED} result with the reason, never a silent guess
     * @throws FlowsimException {@link ErrorCode#UNAVAILABLE} when the backend cannot be reached at
     *                          all, {@link ErrorCode#USAGE} when the target is unknown to it
     */
    default List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
        try (SimulationSession session = open(context)) {
            return session.simulate(batch, target);
        }
    }

    /**
     * Caveats users should read beside this backend's numbers (for example that predicted times
     * exclude launch overhead), from a session of its own. Printed and written with the summary.
     */
    default List<String> notes(HardwareTarget target, RunContext context) {
        try (SimulationSession session = open(context)) {
            return session.notes(target);
        }
    }

    /**
     * Whether this backend can fit its model to measurements ({@code flowsim calibrate}). The
     * result's {@link CalibrationResult#useWith()} names the backend's own options that make a run use
     * the fitted description.
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

/** Whether a backend overrides one of the one-shot defaults. */
final class OneShotBackends {
    private OneShotBackends() {
    }

    static boolean overrides(SimulatorBackend backend, String method, Class<?>... parameters) {
        try {
            return backend.getClass().getMethod(method, parameters).getDeclaringClass() != SimulatorBackend.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
