package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.TraceMetadata;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** A minimal streaming reader of GPU activities; one event is held in memory at a time. */
final class KinetoTraceReader {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(64 << 20)
                    .maxNumberLength(1000)
                    .maxNestingDepth(200)
                    .build())
            .build();

    private KinetoTraceReader() {
    }

    static Trace read(Path file, RunContext context) {
        List<RawActivity> activities = new ArrayList<>();
        long baseNs = 0;
        try (InputStream in = open(file); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw FlowsimException.badInput(file + ": not a Chrome trace (expected a JSON object)");
            }
            boolean sawEvents = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if ("traceEvents".equals(key) && t == JsonToken.START_ARRAY) {
                    sawEvents = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        RawActivity a = readEvent(p);
                        if (a != null) {
                            activities.add(a);
                        }
                    }
                } else if ("baseTimeNanoseconds".equals(key) && t.isNumeric()) {
                    baseNs = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
            if (!sawEvents) {
                throw FlowsimException.badInput(file + ": no traceEvents array");
            }
        } catch (IOException e) {
            throw FlowsimException.badInput(file + ": cannot read trace: " + e.getMessage(), e);
        }
        activities.sort(Comparator.comparingLong(RawActivity::startNs));
        long base = baseNs;
        List<KernelRecord> records = new ArrayList<>(activities.size());
        for (int i = 0; i < activities.size(); i++) {
            RawActivity a = activities.get(i);
            records.add(KernelRecord.builder(i, a.name())
                    .kind(a.kind())
                    .category(a.kind() == KernelKind.KERNEL ? KernelCategory.COMPUTE : KernelCategory.MEMORY)
                    .start(base + a.startNs()).duration(a.durationNs())
                    .device(a.device()).stream(a.stream())
                    .build());
        }
        String name = file.getFileName().toString().replaceFirst("\\.gz$", "").replaceFirst("\\.json$", "");
        TraceMetadata metadata = new TraceMetadata(name, file.toString(), List.of(), Optional.empty(),
                OptionalInt.empty(), Map.of());
        return new Trace() {
            @Override
            public TraceMetadata metadata() {
                return metadata;
            }

            @Override
            public Stream<KernelRecord> kernels() {
                return records.stream();
            }

            @Override
            public void close() {
            }
        };
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static RawActivity readEvent(JsonParser p) throws IOException {
        String cat = null;
        String name = "";
        long ts = 0;
        long dur = 0;
        int pid = -1;
        long tid = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "cat" -> cat = p.getValueAsString();
                case "name" -> name = p.getValueAsString();
                case "ts" -> ts = t.isNumeric() ? toNanos(p.getText()) : 0;
                case "dur" -> dur = t.isNumeric() ? toNanos(p.getText()) : 0;
                case "pid" -> pid = t.isNumeric() ? p.getIntValue() : -1;
                case "tid" -> tid = t.isNumeric() ? p.getLongValue() : -1;
                default -> p.skipChildren();
            }
        }
        if (cat == null) {
            return null;
        }
        KernelKind kind = switch (cat) {
            case "kernel", "Kernel" -> KernelKind.KERNEL;
            case "gpu_memcpy", "Memcpy" -> KernelKind.MEMCPY;
            case "gpu_memset", "Memset" -> KernelKind.MEMSET;
            default -> null;
        };
        return kind == null ? null : new RawActivity(name, kind, ts, dur, pid, tid);
    }

    /** Microseconds as written (integer or decimal) to exact nanoseconds. */
    static long toNanos(String micros) {
        return new BigDecimal(micros).movePointRight(3).longValue();
    }

    private record RawActivity(String name, KernelKind kind, long startNs, long durationNs, int device, long stream) {
    }
}
