package io.flowsim.plugin.kernels;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bundled kernels.json resolves at least 98% of the kernel time of every real trace through
 * the database (not heuristics) by kernel names alone: a lower bound, since a linked operator can
 * only add database matches. Reads the kernel events itself, so this check does not depend on the
 * trace-source plugin. Skipped when the shared traces are absent.
 */
class BundledCoverageTest {

    private static final double REQUIRED = 0.98;

    @TestFactory
    Stream<DynamicTest> everyTraceResolvesThroughTheDatabase() throws IOException {
        List<Path> traces = TraceEvents.realTraces();
        assumeTrue(!traces.isEmpty(), "no traces available (set FLOWSIM_SHARED_DIR)");
        return traces.stream().map(trace -> DynamicTest.dynamicTest(trace.getFileName().toString(), () -> {
            long total = 0;
            long resolved = 0;
            List<String> unresolved = new ArrayList<>();
            try (KernelsJsonSession session = Databases.sessionWithBundled()) {
                for (KernelRecord k : kernels(trace)) {
                    total += k.durationNs();
                    Optional<ResolvedKernel> r = session.resolve(k);
                    if (r.isPresent() && r.get().resolvedByDatabase()) {
                        resolved += k.durationNs();
                    } else if (!unresolved.contains(k.name())) {
                        unresolved.add(k.name());
                    }
                }
            }
            assertThat(total).isPositive();
            assertThat((double) resolved / total).as("share of kernel time resolved through the database; "
                    + "names not resolved: " + unresolved).isGreaterThanOrEqualTo(REQUIRED);
        }));
    }

    /** The {@code cat: kernel} events of a trace: name and duration only. */
    static List<KernelRecord> kernels(Path trace) throws IOException {
        List<KernelRecord> out = new ArrayList<>();
        for (TraceEvents.Event e : TraceEvents.read(trace)) {
            if ("kernel".equals(e.cat()) && e.name() != null) {
                long ns = new BigDecimal(e.dur() == null ? "0" : e.dur()).movePointRight(3).longValue();
                out.add(KernelRecord.builder(out.size(), e.name()).duration(ns).build());
            }
        }
        return out;
    }
}
