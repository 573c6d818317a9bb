package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.testkit.RecordingReporter;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.flowsim.plugin.llmcompass.Requests.flat;
import static io.flowsim.plugin.llmcompass.Requests.gemm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opt-in: the backend against a real LLMCompass server, e.g.
 * {@code mvn test -pl plugins/llmcompass -am -Dtest=RealLlmCompassServerTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dflowsim.llmcompass.url=http://127.0.0.1:8000}.
 * Skipped without the property. See docs/llmcompass.md.
 */
class RealLlmCompassServerTest {

    @TempDir
    Path output;

    String url;

    @BeforeEach
    void requireServer() {
        url = System.getProperty("flowsim.llmcompass.url", "");
        assumeTrue(!url.isBlank(), "set -Dflowsim.llmcompass.url=http://HOST:PORT to run against a real server");
    }

    private List<SimulationResult> run(List<SimulationRequest> batch) {
        RunContext context = RunContext.of(Options.builder().add("api-url", url).add("health-timeout", "10s")
                .add("task-timeout", "10m").build(), new RecordingReporter(), output);
        return new LlmCompassBackend().simulate(batch, new HardwareTarget("NVIDIA H200", Optional.empty()), context);
    }

    private long tasksOnServer() throws IOException {
        try (LlmCompassClient client = new LlmCompassClient(HttpUrl.get(url), Tuning.DEFAULT)) {
            JsonNode counts = client.health(Duration.ofSeconds(5)).json().orElseThrow().get("task_counts");
            long total = 0;
            for (JsonNode n : counts) {
                total += n.asLong();
            }
            return total;
        }
    }

    @Test
    void simulatesAndReusesOnARealServer() throws IOException {
        List<SimulationRequest> batch = List.of(
                // the fork's README example: the GEMV fast path, 14.41 us in shared/docs/llmcompass-api.md §4
                gemm("itest_matmul", DataType.BF16, new long[] {1, 2048}, new long[] {2048, 7168}),
                flat("cunn_SoftMaxForward", OperationFamily.REDUCTION, "softmax", DataType.FP16, 32, 4096),
                flat("vectorized_layer_norm_kernel", OperationFamily.NORM, "layer_norm", DataType.BF16, 1024, 7168),
                flat("gelu_kernel", OperationFamily.ELEMENTWISE, "gelu", DataType.BF16, 1024));
        long before = tasksOnServer();
        List<SimulationResult> results = run(batch);

        assertThat(tasksOnServer() - before).isEqualTo(3);
        assertThat(results.get(0).status()).isEqualTo(SimulationStatus.OK);
        assertThat(results.get(0).predictedNs().getAsLong()).isEqualTo(14_408L);
        assertThat(results.get(1).status()).isEqualTo(SimulationStatus.OK);
        assertThat(results.get(1).predictedNs().getAsLong()).isPositive();
        assertThat(results.get(2).status()).isEqualTo(SimulationStatus.OK);
        assertThat(results.get(2).predictedNs().getAsLong()).isPositive();
        assertThat(results.get(3).status()).isEqualTo(SimulationStatus.UNSUPPORTED);

        long afterFirst = tasksOnServer();
        List<SimulationResult> again = run(batch);
        assertThat(tasksOnServer()).isEqualTo(afterFirst);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(again.get(i).predictedNs()).isEqualTo(results.get(i).predictedNs());
        }
    }
}
