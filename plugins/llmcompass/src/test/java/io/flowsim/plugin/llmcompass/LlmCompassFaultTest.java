package io.flowsim.plugin.llmcompass;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.testkit.RecordingReporter;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.flowsim.plugin.llmcompass.Requests.gemm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16, item 8, and the HTTP part of the fault suite: fault-injecting servers over real
 * loopback HTTP. Every fault ends within the deadlines the user set (--task-timeout, --timeout,
 * --health-timeout), and no faulty answer is ever counted as a prediction.
 */
class LlmCompassFaultTest {

    /** What the server does on one endpoint. */
    enum Fault {
        HANG_AFTER_REQUEST, HANG_AFTER_HEADERS, TRICKLE, HTTP_503, MALFORMED_JSON, RESET, UNKNOWN_HTTP_STATUS,
        UNKNOWN_TASK_STATUS
    }

    @StartStop
    final MockWebServer server = new MockWebServer();

    @TempDir
    Path output;

    RecordingReporter reporter = new RecordingReporter();

    private volatile Fault onSubmit;
    private volatile Fault onPoll;
    private volatile String pollBody = "{\"task_id\": \"t1\", \"status\": \"running\"}";

    private void serve() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.equals("/health")) {
                    return json(200, "{\"status\": \"ok\"}");
                }
                if (path.equals("/tasks") && "POST".equals(request.getMethod())) {
                    return onSubmit == null ? json(200, "{\"task_id\": \"t1\", \"status\": \"queued\"}") : fault(onSubmit);
                }
                return onPoll == null ? json(200, pollBody) : fault(onPoll);
            }
        });
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("content-type", "application/json").body(body).build();
    }

    private static MockResponse fault(Fault f) {
        MockResponse.Builder b = new MockResponse.Builder().code(200).addHeader("content-type", "application/json");
        return switch (f) {
            case HANG_AFTER_REQUEST -> b.onResponseStart(SocketEffect.Stall.INSTANCE).build();
            case HANG_AFTER_HEADERS -> b.body("{\"task_id\": \"t1\", \"status\": \"queued\"}")
                    .onResponseBody(SocketEffect.Stall.INSTANCE).build();
            case TRICKLE -> b.body("{\"task_id\": \"t1\", \"status\": \"queued\", \"pad\": \"" + " ".repeat(4000) + "\"}")
                    .throttleBody(1, 200, TimeUnit.MILLISECONDS).build();
            case HTTP_503 -> json(503, "{\"detail\": \"overloaded\"}");
            case MALFORMED_JSON -> b.body("{\"task_id\": \"t1\", \"status\": ").build();
            case RESET -> b.onRequestStart(new SocketEffect.CloseSocket(true, false, false)).build();
            case UNKNOWN_HTTP_STATUS -> json(299, "{\"what\": 1}");
            case UNKNOWN_TASK_STATUS -> json(200, "{\"task_id\": \"t1\", \"status\": \"sleeping\"}");
        };
    }

    /**
     * One good run first, so that the timed runs do not include loading OkHttp, Kotlin and the
     * mock server's classes (seconds on a busy machine).
     */
    @org.junit.jupiter.api.BeforeEach
    void warmUp() {
        pollBody = "{\"task_id\": \"t1\", \"status\": \"done\", \"result\": {\"status\": \"success\","
                + " \"simulated_time\": 0.001}}";
        serve();
        assertThat(run(context("artifact-dir=" + output.resolve("warm-up")))).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(SimulationStatus.OK));
        pollBody = "{\"task_id\": \"t1\", \"status\": \"running\"}";
        reporter = new RecordingReporter();
    }

    private RunContext context(String... options) {
        Options.Builder b = Options.builder().add("api-url", server.url("/").toString()).add("health-timeout", "2s");
        if (java.util.Arrays.stream(options).noneMatch(o -> o.startsWith("task-timeout="))) {
            b.add("task-timeout", "1s");
        }
        for (String o : options) {
            int eq = o.indexOf('=');
            b.add(o.substring(0, eq), o.substring(eq + 1));
        }
        return RunContext.of(b.build(), reporter, output);
    }

    private List<SimulationResult> run(RunContext context) {
        return new LlmCompassBackend(LlmCompassBackendTest.FAST, Clock.systemUTC()).simulate(
                List.of(gemm(64, 4096, 4096)), LlmCompassBackendTest.H200, context);
    }

    /** Runs and returns the results, asserting the run ended within {@code limit}. */
    private List<SimulationResult> runWithin(Duration limit, RunContext context) {
        long start = System.nanoTime();
        List<SimulationResult> results = run(context);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("the run ended within its deadline").isLessThan(limit);
        return results;
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void everyFaultOnSubmissionEndsWithinTheTaskTimeoutAndPredictsNothing(Fault fault) {
        onSubmit = fault;
        serve();
        List<SimulationResult> results = runWithin(Duration.ofSeconds(4), context());
        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(SimulationStatus.FAILED));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void everyFaultOnPollingEndsWithinTheTaskTimeoutAndPredictsNothing(Fault fault) {
        onPoll = fault;
        serve();
        List<SimulationResult> results = runWithin(Duration.ofSeconds(4), context());
        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(SimulationStatus.FAILED));
    }

    @Test
    void theOverallTimeoutAlsoBoundsABlockedSubmission() {
        onSubmit = Fault.HANG_AFTER_REQUEST;
        serve();
        List<SimulationResult> results = runWithin(Duration.ofSeconds(4), context("task-timeout=1h", "timeout=1s"));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(SimulationStatus.FAILED));
    }

    @Test
    void anAbsurdSimulatedTimeIsAFailureNotASuccess() {
        pollBody = "{\"task_id\": \"t1\", \"status\": \"done\", \"result\": {\"status\": \"success\","
                + " \"simulated_time\": 1e300}}";
        serve();
        List<SimulationResult> results = runWithin(Duration.ofSeconds(10), context());
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(SimulationStatus.FAILED);
            assertThat(r.reason()).contains("simulated_time");
        });
        assertThat(reporter.infos()).anySatisfy(i -> assertThat(i).contains("0 requests simulated, 1 failed"));
        assertThat(reporter.warnings()).anySatisfy(w -> assertThat(w).contains("simulated_time"));
    }

    @Test
    void aServerThatNeverAcceptsIsUnavailableWithinTheHealthTimeout() throws IOException {
        // a listening socket nobody accepts on: connections complete in the backlog, answers never come
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RunContext context = RunContext.of(Options.builder().add("api-url", "http://127.0.0.1:"
                    + silent.getLocalPort() + "/").add("health-timeout", "2s").build(), reporter, output);
            long start = System.nanoTime();
            assertThatThrownBy(() -> run(context))
                    .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        }
    }
}
