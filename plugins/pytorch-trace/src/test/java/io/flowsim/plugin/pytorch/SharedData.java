package io.flowsim.plugin.pytorch;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the shared reference data (real traces, the original FlowSim's outputs): the system
 * property {@code flowsim.shared.dir} when it names a directory, else the environment variable
 * {@code FLOWSIM_SHARED_DIR}; tests that need it are skipped when neither exists.
 */
final class SharedData {

    private SharedData() {
    }

    static Optional<Path> directory() {
        String property = System.getProperty("flowsim.shared.dir");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Optional.of(Path.of(property));
        }
        String env = System.getenv("FLOWSIM_SHARED_DIR");
        if (env != null && Files.isDirectory(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        return Optional.empty();
    }

    /** A file under the shared directory; skips the test when it is absent. */
    static Path require(String relative) {
        Optional<Path> dir = directory();
        Assumptions.assumeTrue(dir.isPresent(), "shared data not found (set FLOWSIM_SHARED_DIR)");
        Path file = dir.get().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(file), "shared file not found: " + file);
        return file;
    }

    static final String H200 = "data/traces/FlowSim/sglang_deepseek_tp4_rank0_h200.trace.json.gz";
    static final String NCCL_DATA = "data/traces/HolisticTraceAnalysis/nccl_parser_config__nccl_data.json.gz";
    static final String NEGATIVE_QUEUE =
            "data/traces/HolisticTraceAnalysis/negative_queue_length_values_check__rank0.json.gz";
    static final String SAMPLED_RANK0 = "data/traces/HolisticTraceAnalysis/trace_filter__sampled_rank-0.json.gz";
    static final String SAMPLED_RANK1 = "data/traces/HolisticTraceAnalysis/trace_filter__sampled_rank-1.json.gz";
    static final String TRITON_EXAMPLE = "data/traces/HolisticTraceAnalysis/triton_example.json.gz";
    static final String PARITY_CSV = "data/flowsim/derived/test_trace.trace.csv";
}
