package io.flowsim.runtime.pipeline;

import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.runtime.discovery.Discovered;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A backend's session as the runtime holds it ({@link PluginFailure#open}): every call goes to the
 * backend's own session, and an unchecked exception or linkage error that its {@link #close} or
 * {@link #checkTarget} throws becomes one line naming the backend and its plugin, instead of an
 * anonymous internal error. {@link #simulate} passes what it throws on unchanged: its callers name the
 * kernel or measurement it failed on. Forwards every method of {@link SimulationSession}
 * ({@code GuardedSimulationSessionTest} checks it), so a default method the backend overrides is never lost.
 */
final class GuardedSimulationSession implements SimulationSession {

    private final Discovered<SimulatorBackend> backend;
    private final SimulationSession session;

    GuardedSimulationSession(Discovered<SimulatorBackend> backend, SimulationSession session) {
        this.backend = backend;
        this.session = session;
    }

    @Override
    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target) {
        return session.simulate(batch, target);
    }

    @Override
    public List<String> notes(HardwareTarget target) {
        return session.notes(target);
    }

    @Override
    public Optional<GpuPeaks> peaks(HardwareTarget target) {
        return session.peaks(target);
    }

    @Override
    public void checkTarget(HardwareTarget target) {
        PluginFailure.guard(backend, "failed to check the GPU '" + target.name() + "'",
                () -> session.checkTarget(target));
    }

    @Override
    public boolean isTraceDevice(HardwareTarget target) {
        Supplier<Boolean> call = () -> session.isTraceDevice(target);
        return PluginFailure.guard(backend, "failed to compare the GPU '" + target.name() + "' with the trace's", call);
    }

    @Override
    public void close() {
        PluginFailure.guard(backend, "failed to close its session", session::close);
    }
}
