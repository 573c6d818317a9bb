package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Progress;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.MemoryTransfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The single streaming pass over a trace file. It keeps in memory only what is emitted or needed
 * to link (GPU activities, runtime calls, shape-labelled GPU annotations, the trace-level keys)
 * and writes every other CPU-side span to a {@link CpuEventSpill}. Events are taken in whatever
 * order the file has them.
 */
final class TraceScanner {

    private static final int PROGRESS_EVERY = 1 << 13;

    private final String file;
    private final CpuEventSpill spill;
    private final Progress progress;

    final NameTable names = new NameTable();
    final ThreadTable threads = new ThreadTable();
    final List<GpuActivity> activities = new ArrayList<>();
    final List<RuntimeCall> runtimeCalls = new ArrayList<>();
    final List<GpuAnnotation> gpuLabels = new ArrayList<>();
    final ParseCounts counts = new ParseCounts();

    /** Trace-level values. */
    Object deviceProperties;
    Object distributedInfo;
    Object mergedRanks;
    long baseTimeNs = Ids.NONE;
    final Map<String, String> properties = new LinkedHashMap<>();
    final List<String> kinetoErrors = new ArrayList<>();
    boolean sawTraceEvents;
    boolean legacyCategories;
    /** Whether any timestamp was written as a decimal (the new dialect's nanosecond precision). */
    boolean decimalTimestamps;
    /** Runtime and GPU events carrying both a correlation and an External id, and those where the two are equal. */
    long bothIds;
    long equalIds;
    long events;

    private TraceInput input;
    private JsonParser topParser;
    private final ExposedBuffer argsBuffer = new ExposedBuffer();
    private JsonGenerator argsGenerator;
    private CapturingInputStream capture;
    private byte[] argsBytes;
    private int argsLength;

    TraceScanner(String file, CpuEventSpill spill, Progress progress) {
        this.file = file;
        this.spill = spill;
        this.progress = progress;
    }

    /**
     * Reads the whole trace.
     *
     * @param lenientUtf8 decode the bytes with replacement of invalid UTF-8 sequences (slower; used
     *                    for old traces with broken names)
     */
    void scan(TraceInput in, boolean lenientUtf8) throws IOException {
        this.input = in;
        capture = lenientUtf8 ? null : new CapturingInputStream(in.json());
        try (JsonParser p = topParser = lenientUtf8 ? TraceJson.FACTORY.createParser(lenientReader(in.json()))
                : TraceJson.FACTORY.createParser(capture)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw FlowsimException.badInput(file + ": the file is empty (not a PyTorch-profiler trace)");
            }
            if (t == JsonToken.START_ARRAY) {
                // the Chrome trace format's "JSON array format": the events alone, no trace-level keys
                sawTraceEvents = true;
                readEvents(p);
            } else if (t == JsonToken.START_OBJECT) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    t = p.nextToken();
                    readTopLevel(p, key, t);
                }
                if (t != JsonToken.END_OBJECT) {
                    throw TraceErrors.badEvent(file, EventLocation.of(-1, p.currentTokenLocation()), null,
                            "malformed top-level object");
                }
            } else {
                throw TraceErrors.badEvent(file, EventLocation.of(-1, p.currentTokenLocation()), null,
                        "expected the trace's top-level JSON object (or an array of events), found " + TraceErrors.describe(t));
            }
            // one document per file: junk or a second document after it is a damaged or concatenated file
            JsonToken after = p.nextToken();
            if (after != null) {
                throw TraceErrors.badEvent(file, EventLocation.of(events, p.currentTokenLocation()), null,
                        "unexpected content after the end of the JSON document (" + TraceErrors.describe(after)
                                + "; a second document or junk appended to the file)");
            }
        }
        if (!sawTraceEvents) {
            throw FlowsimException.badInput(file + ": no \"traceEvents\" array: not a PyTorch-profiler (Chrome) trace"
                    + (properties.isEmpty() ? "" : " (top-level keys: "
                    + OneLineText.of(String.join(", ", properties.keySet())) + ")"));
        }
        progress.update(in.fileBytesRead(), events + " events");
    }

    /** Where the parser stands (for messages about a failed read). */
    EventLocation position() {
        return topParser == null ? EventLocation.UNKNOWN : EventLocation.of(events, topParser.currentLocation());
    }

    private static Reader lenientReader(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    private void readTopLevel(JsonParser p, String key, JsonToken t) throws IOException {
        switch (key) {
            case "traceEvents" -> {
                if (t != JsonToken.START_ARRAY) {
                    throw TraceErrors.badEvent(file, EventLocation.of(-1, p.currentTokenLocation()), null,
                            "\"traceEvents\" must be an array, found " + TraceErrors.describe(t));
                }
                sawTraceEvents = true;
                readEvents(p);
            }
            case "deviceProperties" -> deviceProperties = JsonValues.read(p);
            case "distributedInfo" -> distributedInfo = JsonValues.read(p);
            case "flowsimMerge" -> mergedRanks = JsonValues.read(p);
            case "baseTimeNanoseconds" -> {
                Object v = JsonValues.read(p);
                Optional<Long> base = TraceMetadataReader.integer(v);
                if (v != null && base.isEmpty()) {
                    throw FlowsimException.badInput(file + ": baseTimeNanoseconds is not a 64-bit integer: "
                            + JsonValues.describe(v));
                }
                baseTimeNs = base.orElse(Ids.NONE);
            }
            case "ERROR" -> {
                Object v = JsonValues.read(p);
                if (v instanceof List<?> lines) {
                    lines.forEach(line -> kinetoErrors.add(String.valueOf(line)));
                }
            }
            default -> {
                if (t.isScalarValue()) {
                    if (t != JsonToken.VALUE_NULL) {
                        properties.put(key, p.getText());
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private void readEvents(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IOException("unexpected end of input inside traceEvents");
            }
            if (t == JsonToken.START_OBJECT) {
                readEvent(p);
            } else {
                throw TraceErrors.badEvent(file, EventLocation.of(events, p.currentTokenLocation()), null,
                        "an event must be a JSON object, found " + TraceErrors.describe(t));
            }
            events++;
            if ((events & (PROGRESS_EVERY - 1)) == 0) {
                progress.update(input.fileBytesRead(), events + " events");
            }
        }
    }

    // --- one event -------------------------------------------------------------------------------

    private final NameTable categories = new NameTable();
    private EventKind[] kindByCategory = new EventKind[16];

    private char ph;
    private int category;
    private int nameId;
    private boolean pidIsNumber;
    private long pidNumber;
    private Object pidObject;
    private boolean tidIsNumber;
    private long tidNumber;
    private Object tidObject;
    private long ts;
    private long dur;
    private boolean tsGiven;
    private boolean durGiven;
    private long flowId;
    private EventLocation location;
    private JsonParser parser;
    private byte[] pendingArgs;
    private Map<String, Object> argMap;
    private long argCorrelation;
    private long argExternalId;
    private long argsExternalId;
    private boolean argsCopied;

    private void readEvent(JsonParser p) throws IOException {
        ph = 0;
        category = -1;
        nameId = -1;
        pidIsNumber = false;
        pidObject = null;
        tidIsNumber = false;
        tidObject = null;
        ts = 0;
        dur = 0;
        tsGiven = false;
        durGiven = false;
        flowId = Ids.NONE;
        location = null;
        parser = p;
        pendingArgs = null;
        argMap = null;
        argCorrelation = Ids.NONE;
        argExternalId = Ids.NONE;
        argsExternalId = Ids.NONE;
        argsCopied = false;
        EventKind kind = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            switch (field) {
                case "ph" -> {
                    checkString(t, field);
                    ph = t == JsonToken.VALUE_STRING && p.getTextLength() == 1
                            ? p.getTextCharacters()[p.getTextOffset()] : '?';
                }
                case "cat" -> {
                    checkString(t, field);
                    if (t == JsonToken.VALUE_STRING) {
                        category = categories.id(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        kind = kindOf(category);
                    }
                }
                case "name" -> {
                    checkString(t, field);
                    if (t == JsonToken.VALUE_STRING) {
                        nameId = names.id(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    } else if (t != JsonToken.VALUE_NULL) {
                        nameId = names.id(p.getText());
                    }
                }
                case "pid" -> {
                    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        pidIsNumber = true;
                        pidNumber = p.getLongValue();
                    } else {
                        pidObject = threadPart(p, t, field);
                    }
                }
                case "tid" -> {
                    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        tidIsNumber = true;
                        tidNumber = p.getLongValue();
                    } else {
                        tidObject = threadPart(p, t, field);
                    }
                }
                case "ts" -> {
                    ts = micros(p, t, field);
                    tsGiven = t != JsonToken.VALUE_NULL;
                }
                case "dur" -> {
                    dur = micros(p, t, field);
                    durGiven = t != JsonToken.VALUE_NULL;
                }
                case "id" -> flowId = flowId(p, t);
                case "args" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (t != JsonToken.START_OBJECT) {
                        throw TraceErrors.badEvent(file, location(), describe(),
                                "args must be a JSON object, found " + TraceErrors.describe(t));
                    }
                    if (kind == null || ph == 0) {
                        pendingArgs = copy(p);
                    } else {
                        readArgs(p, kind);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (kind == null) {
            kind = EventKind.OTHER;
        }
        if (pendingArgs != null) {
            try (JsonParser replay = TraceJson.FACTORY.createParser(pendingArgs)) {
                replay.nextToken();
                readArgs(replay, kind);
            }
        }
        dispatch(kind);
    }

    private EventKind kindOf(int categoryId) {
        if (categoryId >= kindByCategory.length) {
            kindByCategory = java.util.Arrays.copyOf(kindByCategory, categoryId * 2);
        }
        EventKind kind = kindByCategory[categoryId];
        if (kind == null) {
            String name = categories.name(categoryId);
            kind = EventKind.of(name);
            kindByCategory[categoryId] = kind;
            if (isLegacyCategory(name)) {
                legacyCategories = true;
            }
        }
        return kind;
    }

    private int thread() {
        if (pidIsNumber && tidIsNumber) {
            return threads.id(pidNumber, tidNumber);
        }
        return threads.id(pidIsNumber ? (Object) pidNumber : pidObject, tidIsNumber ? (Object) tidNumber : tidObject);
    }

    private Object pidValue() {
        return pidIsNumber ? (Object) pidNumber : pidObject;
    }

    private Object tidValue() {
        return tidIsNumber ? (Object) tidNumber : tidObject;
    }

    private EventLocation location() {
        if (location == null) {
            location = EventLocation.of(events, parser.currentTokenLocation());
        }
        return location;
    }

    private String describe() {
        String c = category < 0 ? "event" : categories.name(category);
        if (nameId < 0) {
            return c;
        }
        String n = names.name(nameId);
        return c + " '" + (n.length() > 80 ? n.substring(0, 77) + "..." : n) + "'";
    }

    private void checkString(JsonToken t, String field) {
        if (t != null && !t.isScalarValue()) {
            throw TraceErrors.badEvent(file, location(), describe(), "\"" + field + "\" must be a string, found "
                    + TraceErrors.describe(t));
        }
    }

    private Object threadPart(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw TraceErrors.badEvent(file, location(), describe(), "\"" + field + "\" must be a number or a string, found "
                + TraceErrors.describe(t));
    }

    private long micros(JsonParser p, JsonToken t, String field) throws IOException {
        try {
            switch (t) {
                case VALUE_NUMBER_INT:
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new NumberFormatException("out of range");
                    }
                    return Math.multiplyExact(p.getLongValue(), 1000L);
                case VALUE_NUMBER_FLOAT:
                    decimalTimestamps = true;
                    return Micros.toNanos(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                case VALUE_STRING:
                    return Micros.toNanos(p.getText());
                case VALUE_NULL:
                    return 0;
                default:
                    throw new NumberFormatException(TraceErrors.describe(t));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw TraceErrors.badEvent(file, location(), describe(), "\"" + field + "\" must be a number of microseconds"
                    + " that fits 64-bit nanoseconds, found " + (t.isScalarValue() ? "'" + p.getText() + "'" : TraceErrors.describe(t)));
        }
    }

    private long flowId(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            try {
                return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16)
                        : Long.parseLong(s);
            } catch (NumberFormatException e) {
                return Ids.NONE;
            }
        }
        p.skipChildren();
        return Ids.NONE;
    }

    private byte[] copy(JsonParser p) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = TraceJson.FACTORY.createGenerator(bytes)) {
            g.copyCurrentStructure(p);
        }
        return bytes.toByteArray();
    }

    /** Reads args (current token: START_OBJECT) the way the event's kind needs them. */
    private void readArgs(JsonParser p, EventKind kind) throws IOException {
        boolean span = ph == 'X';
        if (span && (kind == EventKind.CPU_OP || kind == EventKind.USER_ANNOTATION)) {
            copyOperatorArgs(p);
        } else if (span && kind.isGpuActivity()) {
            location = null;
            location();
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) JsonValues.read(p);
            argMap = map;
        } else if (span && (kind == EventKind.RUNTIME || kind == EventKind.GPU_USER_ANNOTATION)) {
            readIds(p);
        } else {
            p.skipChildren();
        }
    }

    /** Only the ids among the args of runtime calls and GPU annotations; the rest is skipped. */
    private void readIds(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "correlation" -> argCorrelation = readId(p, t, key);
                case "External id" -> argExternalId = readId(p, t, key);
                case "external id" -> {
                    long id = readId(p, t, key);
                    if (!Ids.present(argExternalId)) {
                        argExternalId = id;
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** An id: an integer, an integral decimal or a numeric string; an integer beyond 64 bits is counted and dropped. */
    private long readId(JsonParser p, JsonToken t, String key) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                count(ParseStatistic.IDS_BEYOND_64_BITS);
                return Ids.NONE;
            }
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return Ids.NONE;
        }
        Object v = JsonValues.read(p);
        OptionalLong id = new ArgView(Map.of(key, v), file, location(), this::describe).integer(key);
        if (id.isEmpty()) {
            count(ParseStatistic.IDS_BEYOND_64_BITS);
        }
        return id.orElse(Ids.NONE);
    }

    /** Copies an operator's args as JSON bytes (parsed later only if linking needs them), noting its External id. */
    private void copyOperatorArgs(JsonParser p) throws IOException {
        location = null;
        location();
        if (capture != null && p.getInputSource() == capture
                && capture.startCapture(p.currentLocation().getByteOffset() - 1)) {
            // the fast way: skip the args and take their bytes as they were in the file
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if ("External id".equals(key) || "external id".equals(key) && !Ids.present(argsExternalId)) {
                    argsExternalId = readId(p, t, key);
                } else {
                    p.skipChildren();
                }
            }
            int length = capture.endCapture(p.currentLocation().getByteOffset());
            if (length < 0) {
                throw new IllegalStateException("inconsistent capture of operator args at " + location().describe());
            }
            argsBytes = capture.captured();
            argsLength = length;
            argsCopied = true;
            return;
        }
        argsBuffer.reset();
        JsonGenerator g = argsGenerator();
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if ("External id".equals(key) || "external id".equals(key) && !Ids.present(argsExternalId)) {
                argsExternalId = readId(p, t, key);
            }
            g.writeFieldName(key);
            g.copyCurrentStructure(p);
        }
        g.writeEndObject();
        g.flush();
        argsBytes = argsBuffer.buffer();
        argsLength = argsBuffer.size();
        argsCopied = true;
    }

    /** One generator for all operator args: each object is a root value, flushed into the reset buffer. */
    private JsonGenerator argsGenerator() throws IOException {
        if (argsGenerator == null) {
            argsGenerator = TraceJson.FACTORY.createGenerator(argsBuffer);
            argsGenerator.setRootValueSeparator(null);
        }
        return argsGenerator;
    }

    // --- dispatch by kind --------------------------------------------------------------------------

    private void dispatch(EventKind kind) throws IOException {
        if (kind == EventKind.LAUNCH_FLOW) {
            if ((ph == 's' || ph == 'f') && Ids.present(flowId)) {
                boolean start = ph == 's';
                count(start ? ParseStatistic.EVENTS_FLOW_START : ParseStatistic.EVENTS_FLOW_END);
                spill.writeFlow(start, flowId, thread(), ts, events);
            } else {
                count(ParseStatistic.EVENTS_OTHER);
            }
            return;
        }
        if (ph != 'X') {
            count(ph == 'M' ? ParseStatistic.EVENTS_METADATA : ParseStatistic.EVENTS_OTHER);
            return;
        }
        if (nameId < 0) {
            nameId = names.id("");
        }
        String eventName = names.name(nameId);
        boolean gpuActivity = kind == EventKind.KERNEL || kind == EventKind.MEMCPY || kind == EventKind.MEMSET;
        if (gpuActivity && (!tsGiven || !durGiven)) {
            // a GPU activity's time is what every output is about: never a silent 0
            String field = !tsGiven ? "ts" : "dur";
            throw TraceErrors.badEvent(file, location(), describe(), "\"" + field + "\" is missing or null;"
                    + " a GPU activity needs both \"ts\" and \"dur\"");
        }
        if (gpuActivity && dur < 0) {
            // nor a negative one taken as 0: the kernel would count as measured, with no time
            throw TraceErrors.badEvent(file, location(), describe(), "\"dur\" is negative ("
                    + Micros.format(dur) + " us); a GPU activity's duration cannot be");
        }
        if (dur < 0) {
            dur = 0;
            count(ParseStatistic.DURATIONS_CLAMPED);
        }
        switch (kind) {
            case KERNEL, MEMCPY, MEMSET -> addActivity(kind, eventName);
            case RUNTIME -> addRuntimeCall(eventName);
            case GPU_USER_ANNOTATION -> {
                count(ParseStatistic.EVENTS_GPU_USER_ANNOTATION);
                if (looksLikeLabel(eventName)) {
                    gpuLabels.add(new GpuAnnotation(eventName, thread(), ts, dur, argExternalId, events));
                }
            }
            case GPU_OTHER -> count(ParseStatistic.EVENTS_OTHER);
            case CPU_OP, USER_ANNOTATION, PYTHON_FUNCTION, OTHER -> {
                count(switch (kind) {
                    case CPU_OP -> ParseStatistic.EVENTS_CPU_OP;
                    case USER_ANNOTATION -> ParseStatistic.EVENTS_USER_ANNOTATION;
                    case PYTHON_FUNCTION -> ParseStatistic.EVENTS_PYTHON_FUNCTION;
                    default -> ParseStatistic.EVENTS_OTHER;
                });
                boolean withArgs = argsCopied;
                spill.writeFrame(kind, thread(), ts, dur, nameId, events,
                        withArgs ? argsExternalId : Ids.NONE, withArgs ? argsBytes : null,
                        withArgs ? argsLength : 0, withArgs ? location() : null);
            }
            default -> count(ParseStatistic.EVENTS_OTHER);
        }
    }

    private static boolean isLegacyCategory(String category) {
        return switch (category) {
            case "Operator", "Runtime", "Kernel", "Memcpy", "Memset", "async_gpu", "async_cpu_to_gpu" -> true;
            default -> false;
        };
    }

    static boolean looksLikeLabel(String name) {
        return name.indexOf('|') > 0 || (name.indexOf('[') > 0 && name.endsWith("]"));
    }

    private void addRuntimeCall(String eventName) {
        count(ParseStatistic.RUNTIME_EVENTS);
        long correlation = argCorrelation;
        long externalId = argExternalId;
        if (Ids.present(externalId)) {
            count(ParseStatistic.RUNTIME_WITH_EXTERNAL_ID);
        }
        noteIds(correlation, externalId, ParseStatistic.RUNTIME_EXTERNAL_ID_EQUALS_CORRELATION);
        runtimeCalls.add(new RuntimeCall(events, nameId, eventName, thread(), ts, dur, correlation, externalId));
    }

    private void noteIds(long correlation, long externalId, ParseStatistic equal) {
        if (Ids.present(correlation) && Ids.present(externalId)) {
            bothIds++;
            if (correlation == externalId) {
                equalIds++;
                if (equal != null) {
                    count(equal);
                }
            }
        }
    }

    private long id(ArgView a, String key, String alternative) {
        Object v = a.get(key) != null || alternative == null ? a.get(key) : a.get(alternative);
        OptionalLong id = alternative == null ? a.integer(key) : a.integer(key, alternative);
        if (id.isEmpty() && v != null) {
            count(ParseStatistic.IDS_BEYOND_64_BITS);
        }
        return id.orElse(Ids.NONE);
    }

    private void addActivity(EventKind kind, String eventName) {
        count(ParseStatistic.GPU_ACTIVITIES);
        count(switch (kind) {
            case KERNEL -> ParseStatistic.KERNELS;
            case MEMCPY -> ParseStatistic.MEMCPY;
            default -> ParseStatistic.MEMSET;
        });
        ArgView a = new ArgView(argMap, file, location(), this::describe);
        long correlation = id(a, "correlation", null);
        long externalId = id(a, "External id", "external id");
        if (kind == EventKind.KERNEL) {
            if (Ids.present(correlation)) {
                count(ParseStatistic.KERNELS_WITH_CORRELATION);
            }
            if (Ids.present(externalId)) {
                count(ParseStatistic.KERNELS_WITH_EXTERNAL_ID);
            }
            noteIds(correlation, externalId, ParseStatistic.KERNELS_EXTERNAL_ID_EQUALS_CORRELATION);
        } else {
            noteIds(correlation, externalId, null);
        }
        int device = (int) gpuIndex(a, "device", pidValue());
        long stream = gpuIndex(a, "stream", tidValue());
        LaunchConfig launch = null;
        CollectiveInfo collective = null;
        MemoryTransfer transfer = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        if (kind == EventKind.KERNEL) {
            var grid = a.triple("grid");
            var block = a.triple("block");
            long registers = a.integer("registers per thread").orElse(0);
            long shared = a.integer("shared memory").orElse(0);
            if (registers < 0 || shared < 0 || registers > Integer.MAX_VALUE) {
                throw a.invalid("negative or impossible registers per thread / shared memory");
            }
            if (grid.isPresent() && block.isPresent()) {
                long[] g = grid.get();
                long[] b = block.get();
                launch = new LaunchConfig(new Dim3(g[0], g[1], g[2]), new Dim3(b[0], b[1], b[2]), (int) registers, shared);
            }
            collective = OperatorArgs.collective(a).orElse(null);
            attribute(attributes, a, "blocks per SM", "blocks_per_sm");
            attribute(attributes, a, "warps per SM", "warps_per_sm");
            attribute(attributes, a, "est. achieved occupancy %", "occupancy_percent");
            attribute(attributes, a, "graph id", "graph.id");
            attribute(attributes, a, "graph node id", "graph.node_id");
        } else {
            long bytes = a.integer("bytes").orElse(0);
            if (bytes < 0) {
                throw a.invalid("args.bytes is negative");
            }
            transfer = new MemoryTransfer(bytes, direction(kind, eventName));
            attribute(attributes, a, "memory bandwidth (GB/s)", "memory_bandwidth_gbps");
        }
        attribute(attributes, a, "queued", "queued_us");
        attribute(attributes, a, "context", "context");
        if (Ids.present(externalId)) {
            attributes.put("external_id", Long.toString(externalId));
        }
        activities.add(new GpuActivity(events, kind, eventName, ts, dur, device, stream, thread(), correlation, externalId, launch, collective, transfer,
                attributes.isEmpty() ? Map.of() : Map.copyOf(attributes)));
    }

    private static void attribute(Map<String, String> attributes, ArgView a, String key, String name) {
        Object v = a.get(key);
        if (v != null && !(v instanceof List) && !(v instanceof Map)) {
            attributes.put(name, JsonValues.text(v));
        }
    }

    /** {@code Memcpy HtoD (Pinned -> Device)} &rarr; {@code HtoD}; {@code Memset (Device)} &rarr; {@code Device}. */
    private static final java.util.regex.Pattern MEMORY_PREFIX =
            java.util.regex.Pattern.compile("^(?i)(hip)?mem(cpy|set)\\s*");

    static String direction(EventKind kind, String eventName) {
        String rest = MEMORY_PREFIX.matcher(eventName).replaceFirst("");
        if (kind == EventKind.MEMSET) {
            int open = rest.indexOf('(');
            int close = rest.indexOf(')', open + 1);
            return open >= 0 && close > open ? rest.substring(open + 1, close).trim() : rest.trim();
        }
        int space = rest.indexOf(' ');
        return (space < 0 ? rest : rest.substring(0, space)).trim();
    }

    private long gpuIndex(ArgView a, String key, Object fallback) {
        OptionalLong v = a.integer(key);
        if (v.isPresent()) {
            return v.getAsLong();
        }
        return fallback instanceof Long l ? l : -1;
    }

    private void count(ParseStatistic statistic) {
        counts.increment(statistic);
    }

    /** A byte buffer whose array can be written out without a copy. */
    private static final class ExposedBuffer extends ByteArrayOutputStream {
        ExposedBuffer() {
            super(1024);
        }

        byte[] buffer() {
            return buf;
        }
    }
}
