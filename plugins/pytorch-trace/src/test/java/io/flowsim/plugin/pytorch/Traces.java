package io.flowsim.plugin.pytorch;

import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.model.KernelRecord;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Opens traces with the plugin, for tests. */
final class Traces {

    private Traces() {
    }

    static RunContext context() {
        return RunContext.of(Options.empty(), Reporter.silent(), null);
    }

    static Trace open(Path file) {
        return new PyTorchTraceSource().open(file, context());
    }

    /** Everything a test usually needs from one parse. */
    record Parsed(Trace trace, List<KernelRecord> records, Map<String, Long> statistics) {
        long stat(String key) {
            Long v = statistics.get(key);
            if (v == null) {
                throw new AssertionError("no statistic named " + key + " in " + statistics.keySet());
            }
            return v;
        }

        List<KernelRecord> kernels() {
            return records.stream().filter(r -> r.kind() == io.flowsim.api.model.KernelKind.KERNEL).toList();
        }
    }

    static Parsed parse(Path file) {
        try (Trace trace = open(file)) {
            List<KernelRecord> records = trace.kernels().toList();
            return new Parsed(trace, records, trace.statistics());
        }
    }
}
