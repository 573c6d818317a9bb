package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

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
        List<Path> traces = new ArrayList<>();
        Optional<Path> shared = Databases.sharedDir();
        if (shared.isPresent() && Files.isDirectory(shared.get().resolve("data/traces"))) {
            try (Stream<Path> s = Files.walk(shared.get().resolve("data/traces"))) {
                s.filter(p -> p.toString().endsWith(".json.gz")).sorted().forEach(traces::add);
            }
        }
        Path demo = Databases.repoDir().resolve("demo/traces");
        if (Files.isDirectory(demo)) {
            try (Stream<Path> s = Files.list(demo)) {
                s.filter(p -> p.toString().endsWith(".json.gz")).sorted().forEach(traces::add);
            }
        }
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
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(trace), 1 << 16), 1 << 16);
             JsonParser p = new JsonFactory().createParser(in)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && "traceEvents".equals(p.currentName())) {
                    p.nextToken();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String cat = null;
                        String name = null;
                        String dur = "0";
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            p.nextToken();
                            switch (key) {
                                case "cat" -> cat = p.getValueAsString();
                                case "name" -> name = p.getValueAsString();
                                case "dur" -> dur = p.getText();
                                default -> p.skipChildren();
                            }
                        }
                        if ("kernel".equals(cat) && name != null) {
                            long ns = new BigDecimal(dur).movePointRight(3).longValue();
                            out.add(KernelRecord.builder(out.size(), name).duration(ns).build());
                        }
                    }
                }
            }
        }
        return out;
    }
}
