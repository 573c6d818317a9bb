package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;

/**
 * The rows of {@code summary.json} / {@code summary.csv}: one per distinct request of the run, the
 * original client's columns first ({@code task_id,kernel_name,op,input_dim,dtype,system_key,status,
 * latency_s,error}), then ours.
 */
final class SummaryRows {

    private SummaryRows() {
    }

    static ObjectNode header(LlmCompassSettings settings, int requests, Collection<Task> tasks, long unsupported) {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("format", "flowsim-llmcompass-summary/1");
        header.put("api_url", settings.apiUrlText());
        header.put("system_key", settings.systemKey());
        int successful = 0;
        int failed = 0;
        int reused = 0;
        for (Task t : tasks) {
            if (t.outcome != null && t.outcome.kind() == Outcome.Kind.SIMULATED) {
                successful++;
            } else {
                failed++;
            }
            reused += t.reused ? 1 : 0;
        }
        // the original client's counters, for distinct tasks
        header.put("total_tasks", tasks.size());
        header.put("successful_tasks", successful);
        header.put("running_tasks", 0);
        header.put("failed_tasks", failed);
        // ours
        header.put("reused_tasks", reused);
        header.put("requests", requests);
        header.put("unsupported_requests", unsupported);
        return header;
    }

    static ObjectNode row(SimulationRequest request, Task task, SimulationResult result,
                          LlmCompassSettings settings, ArtifactStore store) {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("task_id", task == null ? null : task.taskId);
        row.put("kernel_name", request.kernelName());
        if (task == null) {
            row.put("op", "");
            row.putNull("input_dim");
            row.putNull("dtype");
        } else {
            row.put("op", task.payload.op());
            row.set("input_dim", task.payload.inputDim().deepCopy());
            row.set("dtype", task.payload.dtype().deepCopy());
        }
        row.put("system_key", settings.systemKey());
        Outcome outcome = task == null ? null : task.outcome;
        row.put("status", outcome == null ? "unsupported" : outcome.serverStatus());
        if (outcome != null && outcome.latencySeconds().isPresent()) {
            row.put("latency_s", outcome.latencySeconds().getAsDouble());
        } else {
            row.putNull("latency_s");
        }
        row.put("error", result.status() == SimulationStatus.OK ? "" : result.reason());
        row.put("outcome", result.status().name().toLowerCase(Locale.ROOT));
        if (result.predictedNs().isPresent()) {
            row.put("predicted_ns", result.predictedNs().getAsLong());
        } else {
            row.putNull("predicted_ns");
        }
        row.put("family", request.family().id());
        if (task == null) {
            row.putNull("payload_sha256");
            row.putNull("artifact");
            row.putNull("reused");
            row.putNull("submissions");
            row.putNull("elapsed_s");
        } else {
            row.put("payload_sha256", task.key);
            row.put("artifact", store.directory().isPresent() ? task.artifactName : null);
            row.put("reused", task.reused);
            row.put("submissions", task.submissions);
            if (task.firstSubmittedAt != null && task.finishedAt != null) {
                row.put("elapsed_s", Duration.between(task.firstSubmittedAt, task.finishedAt).toMillis() / 1000.0);
            } else {
                row.putNull("elapsed_s");
            }
        }
        return row;
    }
}
