package io.flowsim.plugin.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.DistributedInfo;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.api.model.TraceMetadata;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Keeps what the timeline needs of every GPU activity (a compact record; repeated strings shared)
 * and writes the Chrome-trace JSON.
 *
 * <p>Layout: one process per GPU ({@code pid} = device), one thread per stream ({@code tid} =
 * stream) holding the measured activities with Kineto's categories and args ({@code kernel},
 * {@code gpu_memcpy}, {@code gpu_memset}; {@code device}, {@code stream}, {@code correlation},
 * {@code grid}, {@code block}, ...), so the PyTorch-trace reader parses them back; and, after a
 * simulation, a thread {@value #PREDICTED_TID_OFFSET} + stream named {@code stream N predicted}
 * holding slices of category {@value #PREDICTED_CATEGORY}. On that track each activity starts
 * where the previous predicted one ended plus the measured gap before it (the time the GPU waited
 * for the host), and lasts its predicted duration, or its measured one when it has no prediction
 * (then {@code args.predicted_us} is null and the slice is grey). Times are microseconds from
 * {@code baseTimeNanoseconds}, the earliest start. Not thread-safe.
 */
final class TimelineWriter {

    /** The category of predicted slices; trace readers treat it as a GPU-side annotation. */
    static final String PREDICTED_CATEGORY = "flowsim_predicted";
    /** Added to a stream id to make its predicted track's thread id. */
    static final long PREDICTED_TID_OFFSET = 1_000_000_000L;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final TraceMetadata metadata;
    private final boolean simulated;
    private final List<Activity> activities = new ArrayList<>();
    private final Map<String, String> strings = new HashMap<>();
    /** The GPU predicted when it is not the one the trace was recorded on (a what-if); set by {@link #write}. */
    private Optional<String> whatIfGpu = Optional.empty();

    TimelineWriter(TraceMetadata metadata, boolean simulated) {
        this.metadata = metadata;
        this.simulated = simulated;
    }

    /** Keeps one activity. */
    void add(KernelResult result) {
        ResolvedKernel resolved = result.kernel();
        KernelRecord r = resolved.kernel();
        long predicted = -1;
        String note = "";
        Optional<SimulationResult> simulation = result.simulation();
        if (simulation.isPresent()) {
            SimulationResult s = simulation.get();
            if (s.status() == SimulationStatus.OK) {
                predicted = s.predictedNs().getAsLong();
            } else {
                note = s.status().name().toLowerCase(Locale.ROOT) + ": " + s.reason();
            }
        }
        String operands = KernelStats.operands(resolved.operands());
        String dims = r.operator().map(o -> o.inputs().stream().map(i -> i.dims().format())
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"))).orElse("");
        activities.add(new Activity(r.index(), intern(r.name()), r.kind(), r.device(), r.stream(), r.startNs(),
                r.durationNs(), predicted, intern(note), r.correlationId().orElse(-1), r.launch().orElse(null),
                r.collective().orElse(null), r.transfer().orElse(null), intern(resolved.family().id()),
                intern(resolved.opMapping()), intern(operands), intern(dims),
                intern(r.operator().map(o -> o.name()).orElse("")), intern(r.attributes().getOrDefault("stage", ""))));
    }

    private String intern(String s) {
        return strings.computeIfAbsent(s, k -> k);
    }

    /**
     * Writes the gzip-compressed trace to {@code file}. With {@code whatIfGpu} (the predictions are for
     * another GPU than the trace's) the predicted tracks are named after that GPU and a slice carries
     * {@code predicted_to_measured}, a ratio between two GPUs, in place of {@code error_percent}.
     */
    void write(Path file, Optional<String> whatIfGpu) throws IOException {
        this.whatIfGpu = whatIfGpu;
        List<Activity> sorted = new ArrayList<>(activities);
        sorted.sort(Comparator.comparingInt(Activity::device).thenComparingLong(Activity::stream)
                .thenComparingLong(Activity::startNs).thenComparingLong(Activity::index));
        long origin = sorted.stream().mapToLong(Activity::startNs).min().orElse(0);
        Map<Integer, TreeMap<Long, Boolean>> streams = new TreeMap<>();
        for (Activity a : sorted) {
            streams.computeIfAbsent(a.device(), d -> new TreeMap<>()).put(a.stream(), true);
        }
        try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16);
             JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 1);
            g.writeStringField("displayTimeUnit", "ns");
            g.writeNumberField("baseTimeNanoseconds", origin);
            writeDevices(g);
            writeDistributed(g);
            g.writeObjectFieldStart("flowsimTimeline");
            g.writeStringField("trace", metadata.traceName());
            g.writeStringField("source", metadata.source());
            g.writeBooleanField("predicted_tracks", simulated);
            if (simulated) {
                g.writeBooleanField("what_if", whatIfGpu.isPresent());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("traceEvents");
            writeTrackNames(g, streams);
            long previousDevice = Long.MIN_VALUE;
            long previousStream = Long.MIN_VALUE;
            long measuredEnd = 0;
            long predictedEnd = 0;
            for (Activity a : sorted) {
                writeMeasured(g, a, origin);
                if (!simulated) {
                    continue;
                }
                boolean firstOfStream = a.device() != previousDevice || a.stream() != previousStream;
                // the measured gap before an activity is time the stream waited (for the host or
                // another stream); the predicted track keeps it and moves only by predicted durations
                long start = firstOfStream ? a.startNs() : predictedEnd + Math.max(0, a.startNs() - measuredEnd);
                long duration = a.predictedNs() >= 0 ? a.predictedNs() : a.durationNs();
                writePredicted(g, a, start - origin, duration);
                measuredEnd = firstOfStream ? a.endNs() : Math.max(measuredEnd, a.endNs());
                predictedEnd = start + duration;
                previousDevice = a.device();
                previousStream = a.stream();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void writeDevices(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("deviceProperties");
        for (DeviceInfo d : metadata.devices()) {
            g.writeStartObject();
            g.writeNumberField("id", d.id());
            g.writeStringField("name", d.name());
            g.writeNumberField("totalGlobalMem", d.totalMemoryBytes());
            g.writeNumberField("computeMajor", d.computeMajor());
            g.writeNumberField("computeMinor", d.computeMinor());
            g.writeNumberField("numSms", d.smCount());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeDistributed(JsonGenerator g) throws IOException {
        if (metadata.distributed().isEmpty() && metadata.rank().isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("distributedInfo");
        Optional<DistributedInfo> d = metadata.distributed();
        g.writeStringField("backend", d.map(DistributedInfo::backend).orElse(""));
        if (metadata.rank().isPresent()) {
            g.writeNumberField("rank", metadata.rank().getAsInt());
        }
        if (d.isPresent() && d.get().worldSize().isPresent()) {
            g.writeNumberField("world_size", d.get().worldSize().getAsInt());
        }
        g.writeEndObject();
    }

    private void writeTrackNames(JsonGenerator g, Map<Integer, TreeMap<Long, Boolean>> streams) throws IOException {
        for (Map.Entry<Integer, TreeMap<Long, Boolean>> device : streams.entrySet()) {
            int pid = device.getKey();
            metadataEvent(g, "process_name", pid, 0, "name", "GPU " + pid);
            int sort = 0;
            for (long stream : device.getValue().keySet()) {
                metadataEvent(g, "thread_name", pid, stream, "name", "stream " + stream);
                metadataEvent(g, "thread_sort_index", pid, stream, "sort_index", sort++);
                if (simulated) {
                    long tid = PREDICTED_TID_OFFSET + stream;
                    metadataEvent(g, "thread_name", pid, tid, "name", "stream " + stream + " predicted"
                            + whatIfGpu.map(gpu -> " on " + gpu).orElse(""));
                    metadataEvent(g, "thread_sort_index", pid, tid, "sort_index", sort++);
                }
            }
        }
    }

    private static void metadataEvent(JsonGenerator g, String name, int pid, long tid, String key, Object value)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", name);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (value instanceof Integer i) {
            g.writeNumberField(key, i);
        } else {
            g.writeStringField(key, String.valueOf(value));
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writeMeasured(JsonGenerator g, Activity a, long origin) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "X");
        g.writeStringField("cat", switch (a.kind()) {
            case KERNEL -> "kernel";
            case MEMCPY -> "gpu_memcpy";
            case MEMSET -> "gpu_memset";
        });
        g.writeStringField("name", a.name());
        g.writeNumberField("pid", a.device());
        g.writeNumberField("tid", a.stream());
        g.writeFieldName("ts");
        g.writeNumber(micros(a.startNs() - origin));
        g.writeFieldName("dur");
        g.writeNumber(micros(a.durationNs()));
        g.writeObjectFieldStart("args");
        g.writeNumberField("device", a.device());
        g.writeNumberField("stream", a.stream());
        if (a.correlation() >= 0) {
            g.writeNumberField("correlation", a.correlation());
        }
        if (a.launch() != null) {
            LaunchConfig l = a.launch();
            g.writeArrayFieldStart("grid");
            g.writeNumber(l.grid().x());
            g.writeNumber(l.grid().y());
            g.writeNumber(l.grid().z());
            g.writeEndArray();
            g.writeArrayFieldStart("block");
            g.writeNumber(l.block().x());
            g.writeNumber(l.block().y());
            g.writeNumber(l.block().z());
            g.writeEndArray();
            g.writeNumberField("registers per thread", l.registersPerThread());
            g.writeNumberField("shared memory", l.sharedMemoryBytes());
        }
        if (a.collective() != null) {
            CollectiveInfo c = a.collective();
            g.writeStringField("Collective name", c.name());
            g.writeNumberField("In msg nelems", c.inputElements());
            g.writeNumberField("Out msg nelems", c.outputElements());
            g.writeNumberField("Group size", c.groupSize());
            g.writeStringField("dtype", c.dtype());
            if (c.processGroupName().isPresent()) {
                g.writeStringField("Process Group Name", c.processGroupName().get());
            }
            if (c.processGroupDescription().isPresent()) {
                g.writeStringField("Process Group Description", c.processGroupDescription().get());
            }
        }
        if (a.transfer() != null) {
            MemoryTransfer t = a.transfer();
            g.writeNumberField("bytes", t.bytes());
        }
        kernelArgs(g, a);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writePredicted(JsonGenerator g, Activity a, long startFromOrigin, long duration) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "X");
        g.writeStringField("cat", PREDICTED_CATEGORY);
        g.writeStringField("name", a.name());
        g.writeNumberField("pid", a.device());
        g.writeNumberField("tid", PREDICTED_TID_OFFSET + a.stream());
        g.writeFieldName("ts");
        g.writeNumber(micros(startFromOrigin));
        g.writeFieldName("dur");
        g.writeNumber(micros(duration));
        if (a.predictedNs() < 0) {
            g.writeStringField("cname", "grey");
        }
        g.writeObjectFieldStart("args");
        g.writeNumberField("device", a.device());
        g.writeNumberField("stream", a.stream());
        kernelArgs(g, a);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The FlowSim args both slices of an activity carry. */
    private void kernelArgs(JsonGenerator g, Activity a) throws IOException {
        g.writeNumberField("flowsim.index", a.index());
        g.writeStringField("family", a.family());
        g.writeStringField("op", a.op());
        if (!a.operator().isEmpty()) {
            g.writeStringField("operator", a.operator());
        }
        if (!a.operands().isEmpty()) {
            g.writeStringField("operands", a.operands());
        }
        if (!a.dims().isEmpty()) {
            g.writeStringField("shapes", a.dims());
        }
        if (!a.stage().isEmpty()) {
            g.writeStringField("stage", a.stage());
        }
        g.writeFieldName("measured_us");
        g.writeNumber(micros(a.durationNs()));
        if (simulated) {
            g.writeFieldName("predicted_us");
            if (a.predictedNs() >= 0) {
                g.writeNumber(micros(a.predictedNs()));
                if (a.durationNs() > 0 && whatIfGpu.isPresent()) {
                    g.writeNumberField("predicted_to_measured", BigDecimal.valueOf(
                            a.predictedNs() / (double) a.durationNs()).setScale(3, java.math.RoundingMode.HALF_UP));
                } else if (a.durationNs() > 0) {
                    g.writeNumberField("error_percent", BigDecimal.valueOf(100.0 * (a.predictedNs() - a.durationNs())
                            / a.durationNs()).setScale(2, java.math.RoundingMode.HALF_UP));
                }
            } else {
                g.writeNull();
                g.writeStringField("simulation", a.note());
            }
        }
    }

    /** Exact decimal microseconds of nanoseconds. */
    static BigDecimal micros(long ns) {
        return BigDecimal.valueOf(ns, 3);
    }

    /** What the timeline keeps of one activity. */
    private record Activity(long index, String name, KernelKind kind, int device, long stream, long startNs,
                            long durationNs, long predictedNs, String note, long correlation, LaunchConfig launch,
                            CollectiveInfo collective, MemoryTransfer transfer, String family, String op,
                            String operands, String dims, String operator, String stage) {
        long endNs() {
            return startNs + durationNs;
        }
    }
}
