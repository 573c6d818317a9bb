package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Test helper: the real traces (the shared ones, then the demo ones) and their events' category,
 * name and duration, read with jackson-core so these tests do not depend on the trace-source plugin.
 */
final class TraceEvents {

    private TraceEvents() {
    }

    /** One trace event: {@code cat}, {@code name} and {@code dur} as written (null when absent). */
    record Event(String cat, String name, String dur) {
    }

    /** Every {@code .json.gz} trace under the shared data's {@code traces} and the repository's demo traces. */
    static List<Path> realTraces() throws IOException {
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
        return traces;
    }

    /** The events of a gzipped trace, in file order. */
    static List<Event> read(Path trace) throws IOException {
        List<Event> out = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(trace), 1 << 16), 1 << 16);
             JsonParser p = new JsonFactory().createParser(in)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && "traceEvents".equals(p.currentName())) {
                    p.nextToken();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String cat = null;
                        String name = null;
                        String dur = null;
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
                        out.add(new Event(cat, name, dur));
                    }
                }
            }
        }
        return out;
    }
}
