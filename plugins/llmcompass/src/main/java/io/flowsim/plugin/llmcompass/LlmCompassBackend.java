package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Simulates kernels on an LLMCompass HTTP backend ({@code GET /health}, {@code POST /tasks},
 * {@code GET /tasks/{id}}; see {@code docs/llmcompass.md}).
 *
 * <p>Each request is mapped to an LLMCompass payload without a round trip, or reported
 * {@code UNSUPPORTED} with the reason (unsupported op or type). Requests that map to the same payload
 * share one task, and a payload whose result an earlier run left in the artifact directory is not
 * submitted again. The rest run with bounded concurrency (see {@link LlmCompassRun}). Predictions are
 * the server's {@code simulated_time} converted from seconds to nanoseconds, without launch overhead.
 *
 * <p>Stateless between runs: a run's settings and HTTP client live in the session {@link #open} returns.
 */
public final class LlmCompassBackend implements SimulatorBackend {

    static final String NAME = "llmcompass";

    private final Tuning tuning;
    private final Clock clock;

    /** The backend with the default timing (used by discovery). */
    public LlmCompassBackend() {
        this(Tuning.DEFAULT, Clock.systemUTC());
    }

    LlmCompassBackend(Tuning tuning, Clock clock) {
        this.tuning = Objects.requireNonNull(tuning, "tuning");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Simulates kernels on an LLMCompass HTTP backend (--api-url, --system-key)";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return LlmCompassSettings.OPTIONS;
    }

    @Override
    public SimulationSession open(RunContext context) {
        return new Session(LlmCompassSettings.from(context), context.reporter());
    }

    /**
     * One run: the settings read and checked once, one HTTP client, created when the first task
     * must be submitted and closed with the session, and the run's deadline: the overall
     * {@code --timeout} starts when the session first submits (once the server answers
     * {@code GET /health}) and bounds every later batch of the session too. Per-task deadlines live
     * in each {@link Task}.
     */
    private final class Session implements SimulationSession {
        private final LlmCompassSettings settings;
        private final Reporter reporter;
        private LlmCompassClient client;
        /** The overall --timeout as a System.nanoTime() instant, once started. */
        private Long overallDeadline;

        Session(LlmCompassSettings settings, Reporter reporter) {
            this.settings = settings;
            this.reporter = reporter;
        }

        @Override
        public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target) {
            return LlmCompassBackend.this.simulate(batch, settings, reporter, this::client, this::overallDeadline);
        }

        private Optional<Long> overallDeadline() {
            if (overallDeadline == null && settings.overallTimeout().isPresent()) {
                overallDeadline = System.nanoTime() + settings.overallTimeout().get().toNanos();
            }
            return Optional.ofNullable(overallDeadline);
        }

        private LlmCompassClient client() {
            if (client == null) {
                client = new LlmCompassClient(settings.apiUrl(), tuning);
            }
            return client;
        }

        @Override
        public List<String> notes(HardwareTarget target) {
            return LlmCompassBackend.notes(target, settings);
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    private List<SimulationResult> simulate(List<SimulationRequest> batch, LlmCompassSettings settings,
                                            Reporter reporter, java.util.function.Supplier<LlmCompassClient> clients,
                                            java.util.function.Supplier<Optional<Long>> overallDeadline) {
        Objects.requireNonNull(batch, "batch");
        LlmCompassOps ops = new LlmCompassOps(settings.normAsLayerNorm());

        List<LlmCompassOps.Mapping> mappings = new ArrayList<>(batch.size());
        List<Task> taskOf = new ArrayList<>(batch.size());
        Map<String, Task> tasks = new LinkedHashMap<>();
        for (SimulationRequest request : batch) {
            LlmCompassOps.Mapping mapping = ops.map(request);
            mappings.add(mapping);
            Task task = null;
            if (mapping instanceof LlmCompassOps.Simulate s) {
                TaskPayload payload = new TaskPayload(request.kernelName(), s.op(), s.inputDim(), s.dtype(),
                        settings.systemKey());
                task = tasks.computeIfAbsent(payload.key(), k -> new Task(payload));
                task.kernelNames.add(request.kernelName());
            }
            taskOf.add(task);
        }

        ArtifactStore store = ArtifactStore.open(settings.artifactDir(), reporter);
        List<Task> work = new ArrayList<>();
        int reused = 0;
        int resumed = 0;
        for (Task task : tasks.values()) {
            store.load(task).ifPresent(stored -> store.restore(task, stored, settings.retryFailed()));
            if (task.reused) {
                reused++;
            } else {
                resumed += task.resumed ? 1 : 0;
                work.add(task);
            }
        }
        long unsupported = mappings.stream().filter(m -> m instanceof LlmCompassOps.Skip).count();
        reporter.info(String.format(Locale.ROOT, "llmcompass: %d requests -> %d unsupported, %d distinct tasks"
                        + " (%d finished by an earlier run, %d to resume, %d to submit) on %s at %s",
                batch.size(), unsupported, tasks.size(), reused, resumed, work.size() - resumed,
                settings.systemKey(), settings.apiUrlText()));

        if (!work.isEmpty()) {
            new LlmCompassRun(settings, tuning, clients.get(), store, reporter, clock, overallDeadline).run(work);
        }

        List<SimulationResult> results = new ArrayList<>(batch.size());
        List<ObjectNode> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            SimulationResult result = result(mappings.get(i), taskOf.get(i), store);
            results.add(result);
            rows.add(SummaryRows.row(batch.get(i), taskOf.get(i), result, settings, store));
        }
        store.writeSummary(SummaryRows.header(settings, batch.size(), tasks.values(), unsupported), rows);

        long ok = results.stream().filter(r -> r.status() == SimulationStatus.OK).count();
        long failedCount = results.stream().filter(r -> r.status() == SimulationStatus.FAILED).count();
        reporter.info(String.format(Locale.ROOT, "llmcompass: %d requests simulated, %d failed, %d unsupported%s",
                ok, failedCount, unsupported, store.directory().map(d -> "; artifacts in " + d).orElse("")));
        return results;
    }

    private SimulationResult result(LlmCompassOps.Mapping mapping, Task task, ArtifactStore store) {
        if (mapping instanceof LlmCompassOps.Skip skip) {
            return SimulationResult.unsupported(skip.reason(), NAME);
        }
        LlmCompassOps.Simulate simulate = (LlmCompassOps.Simulate) mapping;
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("llmcompass.op", task.payload.op());
        detail.put("llmcompass.input_dim", task.payload.inputDim().toString());
        detail.put("llmcompass.dtype", task.payload.dtype().toString());
        detail.put("llmcompass.system_key", task.payload.systemKey());
        detail.put("llmcompass.payload_sha256", task.key);
        if (task.taskId != null) {
            detail.put("llmcompass.task_id", task.taskId);
        }
        detail.put("llmcompass.reused", Boolean.toString(task.reused));
        store.directory().ifPresent(d -> detail.put("llmcompass.artifact", d.resolve(task.artifactName).toString()));
        Outcome outcome = task.outcome;
        if (outcome == null) {
            throw new IllegalStateException("task " + task.key + " has no outcome");
        }
        if (outcome.kind() == Outcome.Kind.SIMULATED) {
            double seconds = outcome.latencySeconds().getAsDouble();
            detail.put("llmcompass.simulated_time_s", Double.toString(seconds));
            double nanos = seconds * 1e9;
            if (nanos > Long.MAX_VALUE) {
                return SimulationResult.failed("LLMCompass returned an absurd simulated_time of " + seconds + " s",
                        NAME, detail);
            }
            return new SimulationResult(SimulationStatus.OK, OptionalLong.of(Math.round(nanos)),
                    String.join("; ", simulate.caveats()), NAME, detail);
        }
        detail.put("llmcompass.outcome", outcome.kind().id());
        if (!outcome.errorCode().isEmpty()) {
            detail.put("llmcompass.error_code", outcome.errorCode());
        }
        return SimulationResult.failed(failureReason(outcome), NAME, detail);
    }

    static String failureReason(Outcome outcome) {
        String text = outcome.errorText();
        return switch (outcome.kind()) {
            case REJECTED -> "LLMCompass refused the task: " + text;
            case SIMULATOR_ERROR -> "LLMCompass failed: " + text;
            default -> "LLMCompass: " + text;
        };
    }

    private static List<String> notes(HardwareTarget target, LlmCompassSettings settings) {
        List<String> notes = new ArrayList<>();
        notes.add("LLMCompass predictions exclude kernel-launch and framework overhead: its simulated_time is "
                + "the kernel's latency on the simulated device only, so short kernels come out much faster "
                + "than measured.");
        if (!target.name().equals(settings.systemKey())) {
            notes.add("LLMCompass simulated its system '" + settings.systemKey() + "', not " + target.name()
                    + " (the LLMCompass fork describes A100_4_fp16 and TPUv3_8 only).");
        }
        notes.add("LLMCompass simulates fp16 matmul, bmm, softmax and layernorm only (bf16 as fp16); everything "
                + "else is reported unsupported.");
        settings.artifactDir().ifPresent(d -> notes.add("LLMCompass task artifacts and summary.csv are in " + d
                + "; a rerun with the same --artifact-dir reuses finished results."));
        return notes;
    }
}
