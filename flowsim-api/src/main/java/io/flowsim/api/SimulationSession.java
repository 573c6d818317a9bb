package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.List;
import java.util.Optional;

/**
 * One run of a {@link SimulatorBackend}, opened with {@link SimulatorBackend#open(RunContext)}: it
 * holds what the run needs between calls (settings read once, hardware catalogs, HTTP clients) and
 * releases it on {@link #close()}. The runtime may call {@link #simulate} several times in one
 * session ({@code flowsim validate} once per table, {@code flowsim bench} repeatedly); a session is
 * used by one thread at a time.
 *
 * <p>Stable: every bundled backend, the test kit and the archetype's backend use it, and it grows
 * by default methods only, as run analysis added {@link #peaks}; that method returns the experimental
 * {@link io.flowsim.api.model.GpuPeaks} and is as experimental as its type.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface SimulationSession extends AutoCloseable {

    /**
     * Simulates a batch of distinct requests.
     *
     * @return one result per request, in the same order; a request the backend cannot model gets
     *         an {@code UNSUPPORTED} result with the reason, never a silent guess
     * @throws FlowsimException {@link ErrorCode#UNAVAILABLE} when the backend cannot be reached at
     *                          all, {@link ErrorCode#USAGE} when the target is unknown to it
     */
    List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target);

    /** Caveats users should read beside this run's numbers on {@code target}. */
    default List<String> notes(HardwareTarget target) {
        return List.of();
    }

    /**
     * The datasheet peaks of {@code target} (FLOP/s per element type, memory and link bandwidth) as
     * this run knows them (a session may read them from the hardware profile its options name), for
     * the efficiency figures of every kernel; empty when the GPU is unknown to it or the backend has no
     * such figures. Never fails for an unknown GPU. The runtime also asks the default backend's session
     * for the peaks of the GPU a trace was recorded on when it only parses.
     */
    default Optional<GpuPeaks> peaks(HardwareTarget target) {
        return Optional.empty();
    }

    /**
     * Checks that this run can simulate {@code target}, before any trace or table is read: the runtime
     * calls it when the user names the GPU ({@code --gpu NAME}), so that a misspelt name fails at once
     * instead of after a long parse. The target carries no trace device (none has been read yet), so
     * only its name is checked. Called at most once per target, on the thread that opened the session.
     *
     * <p>The default accepts every target; a backend that does not override it reports an unknown GPU
     * from {@link #simulate} as before. A backend that overrides it must not fail here for a target that
     * {@link #simulate} would accept.
     *
     * @throws FlowsimException {@link ErrorCode#USAGE} naming the GPU, the GPUs this run knows and, where
     *                          one is close, the nearest of them, when the backend has no model for it
     */
    default void checkTarget(HardwareTarget target) {
    }

    /**
     * Whether this run simulates {@code target} as the very GPU its trace was recorded on
     * ({@link HardwareTarget#traceDevice()}): the runtime then shows predictions beside the measured
     * times as accuracy, and otherwise as a what-if projection onto another GPU. A backend that maps
     * several names to one hardware description ({@code H200} and {@code NVIDIA H200}) answers
     * {@code true} when the target and the trace's device map to the same one. Called once per
     * simulated trace, after {@link #simulate}; never fails (an unknown GPU is {@code false}).
     *
     * <p>The default is {@link HardwareTarget#isTraceDevice()}: the names compared letter for letter.
     *
     * @return {@code false} when the target carries no trace device
     * @since 0.12
     */
    default boolean isTraceDevice(HardwareTarget target) {
        return target.isTraceDevice();
    }

    /** Releases the session's resources. Idempotent. */
    @Override
    default void close() {
    }
}
