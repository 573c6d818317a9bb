package io.flowsim.plugin.csv;

import io.flowsim.api.ExportContext;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.TraceMetadata;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Hand-built inputs for exporter tests. */
final class TestData {

    static final TraceMetadata META = new TraceMetadata("run.trace", "/traces/run.trace.json.gz", List.of(),
            Optional.empty(), OptionalInt.empty(), Map.of());

    private TestData() {
    }

    static ExportContext context(Path dir, boolean simulated) {
        return new ExportContext(META, "run.trace", dir, simulated, RunContext.of(Options.empty(), Reporter.silent(), dir));
    }
}
