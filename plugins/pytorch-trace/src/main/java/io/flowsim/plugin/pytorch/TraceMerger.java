package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.MergeResult;
import io.flowsim.api.Progress;
import io.flowsim.api.RunContext;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * Merges per-rank traces into one trace viewable in Perfetto, streaming (one event at a time from
 * one input at a time into the output), in two passes over each input:
 *
 * <ol>
 *   <li>the trace-level keys of every input (its rank, its time base, its largest pid);</li>
 *   <li>the events, rank after rank, each copied with its pid moved into the rank's own range, its
 *       time moved onto a common time base, and its ids (flow ids, {@code correlation},
 *       {@code External id}) made unique across ranks as {@code id * N + k} (N inputs, k the
 *       rank's position), so that no arrow and no link crosses ranks.</li>
 * </ol>
 *
 * Ranks are ordered numerically by {@code distributedInfo.rank}, else by the rank in the file name
 * ({@code TP-2} before {@code TP-10}), else by file name in natural order. Every rank's trace-level
 * keys are kept under {@code flowsimMerge.ranks[k].metadata}. The output is gzip-compressed when
 * its name ends in {@code .gz}, and written to a temporary file moved into place at the end.
 */
final class TraceMerger {

    /** Arguments holding ids that link events within one rank. */
    private static final Set<String> ID_ARGS = Set.of("correlation", "External id", "external id",
            "wait_on_cuda_event_record_corr_id");
    private static final Pattern DIGITS = Pattern.compile("\\d+|\\D+");

    private final RunContext context;

    TraceMerger(RunContext context) {
        this.context = context;
    }

    /** The ranks a merged trace's {@code flowsimMerge} block lists, as {@code "0,1"}. */
    static Optional<String> mergedRanks(Object mergeBlock) {
        if (mergeBlock instanceof Map<?, ?> map && map.get("ranks") instanceof List<?> ranks) {
            return Optional.of(ranks.stream()
                    .map(r -> r instanceof Map<?, ?> m && m.get("rank") != null ? String.valueOf(m.get("rank")) : "?")
                    .collect(Collectors.joining(",")));
        }
        return Optional.empty();
    }

    /**
     * The smallest power of ten that keeps every rank's pids apart: pids lie in
     * {@code [-maxAbsPid, maxAbsPid]}, a range {@code 2 * maxAbsPid + 1} wide, so rank k's pids moved by
     * {@code k * stride} never meet another rank's.
     */
    static long pidStride(long maxAbsPid, int ranks) {
        long stride = 10;
        while (stride <= 2 * Math.min(maxAbsPid, Long.MAX_VALUE / 4)) {
            if (stride > Long.MAX_VALUE / 10 / Math.max(1, ranks)) {
                throw FlowsimException.badInput("cannot merge: process ids up to " + maxAbsPid
                        + " leave no room to keep " + ranks + " ranks apart in 64-bit pids");
            }
            stride *= 10;
        }
        if ((double) stride * ranks > Long.MAX_VALUE) {
            throw FlowsimException.badInput("cannot merge: process ids up to " + maxAbsPid
                    + " leave no room to keep " + ranks + " ranks apart in 64-bit pids");
        }
        return stride;
    }

    MergeResult merge(List<Path> inputs, Path output) {
        if (inputs.isEmpty()) {
            throw FlowsimException.usage("no traces to merge");
        }
        List<RankHeader> ranks = new ArrayList<>();
        try (Progress progress = context.reporter().startProgress("reading trace headers", inputs.size(), "traces")) {
            for (Path input : inputs) {
                RankHeader header = readHeader(input);
                if (header.keys.containsKey("flowsimMerge")) {
                    // an earlier merge's output left among the ranks is not one more rank
                    context.reporter().warn("skipping " + input + ": it is a trace FlowSim merged earlier (it has a"
                            + " flowsimMerge block), not a rank");
                } else {
                    ranks.add(header);
                }
                progress.advance(1);
            }
        }
        if (ranks.isEmpty()) {
            throw FlowsimException.badInput("no traces to merge: every input is a trace FlowSim merged earlier");
        }
        ranks.sort(RANK_ORDER);
        warnAboutDuplicateRanks(ranks);
        long stride = pidStride(ranks.stream().mapToLong(r -> r.maxAbsPid).max().orElse(0), ranks.size());
        Long commonBase = ranks.stream().filter(r -> r.baseNs != null).map(r -> r.baseNs).min(Long::compare).orElse(null);
        for (int k = 0; k < ranks.size(); k++) {
            RankHeader r = ranks.get(k);
            r.index = k;
            r.pidOffset = k * stride;
            r.shiftNs = commonBase == null ? 0 : r.baseNs != null ? r.baseNs - commonBase : -commonBase;
        }
        Path target = output.toAbsolutePath().normalize();
        Path directory = target.getParent();
        long events = 0;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            // createDirectories names only the path in its message: the problem is the exception's type
            String why = e instanceof FileAlreadyExistsException exists ? exists.getFile() + " exists and is not a directory"
                    : e instanceof AccessDeniedException denied ? "permission denied (" + denied.getFile() + ")"
                    : e instanceof FileSystemException other && other.getReason() != null
                            ? other.getReason() + " (" + other.getFile() + ")"
                    : String.valueOf(e.getMessage());
            throw FlowsimException.badInput("cannot write merged trace " + output + ": " + why, e);
        }
        try (AtomicOutput.Inputs protectedInputs = AtomicOutput.protectInputs(ranks.stream().map(r -> r.file).toList());
             AtomicOutput merged = AtomicOutput.create(target)) {
            long totalBytes = 0;
            for (RankHeader r : ranks) {
                totalBytes += Files.size(r.file);
            }
            try (Progress progress = context.reporter().startProgress("merging " + ranks.size() + " traces", totalBytes,
                    "bytes");
                 OutputStream file = new BufferedOutputStream(Files.newOutputStream(merged.temporary()), 1 << 16);
                 OutputStream out = target.getFileName().toString().endsWith(".gz")
                         ? new GZIPOutputStream(file, 1 << 16) : file;
                 JsonGenerator g = TraceJson.FACTORY.createGenerator(out)) {
                writeHeader(g, ranks, stride, commonBase);
                g.writeFieldName("traceEvents");
                g.writeStartArray();
                long done = 0;
                for (RankHeader r : ranks) {
                    events += copyEvents(r, ranks.size(), g);
                    done += Files.size(r.file);
                    progress.update(done, events + " events");
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            merged.commit();
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot merge into " + output + ": " + e.getMessage()
                    + " (nothing was written there; check free space and file-size limits)", e);
        }
        // debug only: the command reports the merge once, with the result, on standard output
        context.reporter().debug("merged " + ranks.size() + " traces (ranks "
                + ranks.stream().map(r -> r.rank.isPresent() ? Integer.toString(r.rank.getAsInt()) : "?")
                .collect(Collectors.joining(", ")) + ", pid stride " + stride + ") into " + output);
        return new MergeResult(output, ranks.stream().map(r -> r.file).toList(), events);
    }

    // --- pass 1 ------------------------------------------------------------------------------------

    /** The trace-level facts of one input. */
    private static final class RankHeader {
        final Path file;
        final Map<String, byte[]> keys = new LinkedHashMap<>();
        OptionalInt rank = OptionalInt.empty();
        Long baseNs;
        long maxAbsPid;
        int index;
        long pidOffset;
        long shiftNs;

        RankHeader(Path file) {
            this.file = file;
        }
    }

    private static final Comparator<RankHeader> RANK_ORDER = Comparator
            .comparing((RankHeader r) -> r.rank.isPresent() ? 0 : 1)
            .thenComparingInt(r -> r.rank.orElse(0))
            .thenComparing((a, b) -> naturalCompare(a.file.getFileName().toString(), b.file.getFileName().toString()));

    /** Compares names with digit runs as numbers: {@code TP-2} before {@code TP-10}. */
    static int naturalCompare(String a, String b) {
        Matcher ma = DIGITS.matcher(a);
        Matcher mb = DIGITS.matcher(b);
        while (ma.find() && mb.find()) {
            String x = ma.group();
            String y = mb.group();
            int c;
            if (Character.isDigit(x.charAt(0)) && Character.isDigit(y.charAt(0))) {
                String xs = x.replaceFirst("^0+(?=.)", "");
                String ys = y.replaceFirst("^0+(?=.)", "");
                c = xs.length() != ys.length() ? Integer.compare(xs.length(), ys.length()) : xs.compareTo(ys);
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return a.compareTo(b);
    }

    private RankHeader readHeader(Path file) {
        RankHeader header = new RankHeader(file);
        long events = 0;
        try (TraceInput input = TraceInput.open(file);
             JsonParser p = TraceJson.FACTORY.createParser(input.json())) {
            try {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw FlowsimException.badInput(file + ": not a PyTorch-profiler trace (expected a JSON object)");
                }
                boolean sawEvents = false;
                Object distributed = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken t = p.nextToken();
                    if (key.equals("traceEvents")) {
                        if (t != JsonToken.START_ARRAY) {
                            throw FlowsimException.badInput(file + ": \"traceEvents\" is not an array");
                        }
                        sawEvents = true;
                        events = scanPids(p, header);
                        continue;
                    }
                    byte[] value = copy(p);
                    header.keys.put(key, value);
                    if (key.equals("distributedInfo")) {
                        distributed = read(value);
                    } else if (key.equals("baseTimeNanoseconds")) {
                        header.baseNs = TraceMetadataReader.integer(read(value)).orElseThrow(() ->
                                FlowsimException.badInput(file + ": baseTimeNanoseconds is not a 64-bit integer"));
                    }
                }
                if (!sawEvents) {
                    throw FlowsimException.badInput(file + ": no \"traceEvents\" array: not a PyTorch-profiler trace");
                }
                header.rank = TraceMetadataReader.distributed(distributed).map(d -> d.rank())
                        .filter(OptionalInt::isPresent)
                        .orElseGet(() -> TraceMetadataReader.rankFromFileName(file.getFileName().toString()));
            } catch (JsonProcessingException e) {
                throw FlowsimException.badInput(file + ": malformed JSON at " + EventLocation.of(events, e.getLocation())
                        .position() + " (" + e.getOriginalMessage() + "); cannot merge it", e);
            } catch (IOException e) {
                throw FlowsimException.badInput(file + ": cannot read it (" + e.getMessage() + ") at "
                        + EventLocation.of(events, p.currentLocation()).position() + "; cannot merge it", e);
            }
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot read " + file + ": " + e.getMessage(), e);
        }
        return header;
    }

    /** Reads through the events noting the largest integer pid; returns the number of events. */
    private static long scanPids(JsonParser p, RankHeader header) throws IOException {
        long events = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("pid") && v == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    long pid = p.getLongValue();
                    header.maxAbsPid = Math.max(header.maxAbsPid, pid == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(pid));
                } else {
                    p.skipChildren();
                }
            }
            events++;
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IOException("an event is not a JSON object");
        }
        return events;
    }

    private static byte[] copy(JsonParser p) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = TraceJson.FACTORY.createGenerator(bytes)) {
            g.copyCurrentStructure(p);
        }
        return bytes.toByteArray();
    }

    private static Object read(byte[] json) throws IOException {
        try (JsonParser p = TraceJson.FACTORY.createParser(json)) {
            p.nextToken();
            return JsonValues.read(p);
        }
    }

    private void warnAboutDuplicateRanks(List<RankHeader> ranks) {
        Map<Integer, List<String>> byRank = new LinkedHashMap<>();
        for (RankHeader r : ranks) {
            r.rank.ifPresent(n -> byRank.computeIfAbsent(n, k -> new ArrayList<>()).add(r.file.getFileName().toString()));
        }
        byRank.forEach((rank, files) -> {
            if (files.size() > 1) {
                context.reporter().warn("rank " + rank + " appears in " + files.size() + " traces (" + String.join(", ", files)
                        + "); they are merged side by side in file-name order");
            }
        });
    }

    // --- pass 2 ------------------------------------------------------------------------------------

    private static void writeHeader(JsonGenerator g, List<RankHeader> ranks, long stride, Long commonBase)
            throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, byte[]> e : ranks.get(0).keys.entrySet()) {
            switch (e.getKey()) {
                case "baseTimeNanoseconds", "traceName", "distributedInfo", "flowsimMerge" -> {
                    // per rank, under flowsimMerge
                }
                default -> {
                    g.writeFieldName(e.getKey());
                    writeRaw(g, e.getValue());
                }
            }
        }
        if (commonBase != null) {
            g.writeNumberField("baseTimeNanoseconds", commonBase);
        }
        g.writeObjectFieldStart("flowsimMerge");
        g.writeStringField("note", "Merged by flowsim merge. pid = original pid + pidOffset (string pids get a"
                + " 'rank R: ' prefix); ts moved onto the common baseTimeNanoseconds by timeShiftNs; flow ids,"
                + " correlation and External id = original * rankCount + index.");
        g.writeNumberField("rankCount", ranks.size());
        g.writeNumberField("pidStride", stride);
        g.writeArrayFieldStart("ranks");
        for (RankHeader r : ranks) {
            g.writeStartObject();
            g.writeNumberField("index", r.index);
            g.writeStringField("file", r.file.getFileName().toString());
            if (r.rank.isPresent()) {
                g.writeNumberField("rank", r.rank.getAsInt());
            } else {
                g.writeNullField("rank");
            }
            g.writeNumberField("pidOffset", r.pidOffset);
            g.writeNumberField("timeShiftNs", r.shiftNs);
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, byte[]> e : r.keys.entrySet()) {
                g.writeFieldName(e.getKey());
                writeRaw(g, e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRaw(JsonGenerator g, byte[] json) throws IOException {
        try (JsonParser p = TraceJson.FACTORY.createParser(json)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
    }

    private long copyEvents(RankHeader r, int rankCount, JsonGenerator g) throws IOException {
        long events = 0;
        try (TraceInput input = TraceInput.open(r.file);
             JsonParser p = TraceJson.FACTORY.createParser(input.json())) {
            try {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (!key.equals("traceEvents")) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        copyEvent(p, g, r, rankCount);
                        events++;
                    }
                }
            } catch (JsonProcessingException e) {
                throw FlowsimException.badInput(r.file + ": malformed JSON at " + EventLocation.of(events, e.getLocation())
                        .position() + " (" + e.getOriginalMessage() + "); the file changed while merging?", e);
            }
        }
        return events;
    }

    private void copyEvent(JsonParser p, JsonGenerator g, RankHeader r, int rankCount) throws IOException {
        g.writeStartObject();
        String ph = null;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            g.writeFieldName(key);
            switch (key) {
                case "pid" -> writePid(p, g, t, r);
                case "ts" -> {
                    if (r.shiftNs != 0 && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                        try {
                            g.writeNumber(Micros.format(Math.addExact(
                                    Micros.toNanos(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()),
                                    r.shiftNs)));
                        } catch (NumberFormatException | ArithmeticException e) {
                            throw FlowsimException.badInput(r.file + ": timestamp " + p.getText() + " at "
                                    + p.currentLocation().offsetDescription() + " cannot be moved to the merged"
                                    + " time base (" + e.getMessage() + ")", e);
                        }
                    } else {
                        g.copyCurrentStructure(p);
                    }
                }
                case "id", "bind_id" -> writeId(p, g, t, r, rankCount);
                case "args" -> {
                    if (t == JsonToken.START_OBJECT) {
                        copyArgs(p, g, r, rankCount, "M".equals(ph) ? name : null);
                    } else {
                        g.copyCurrentStructure(p);
                    }
                }
                default -> {
                    if (key.equals("ph") && t == JsonToken.VALUE_STRING) {
                        ph = p.getText();
                    } else if (key.equals("name") && t == JsonToken.VALUE_STRING) {
                        name = p.getText();
                    }
                    g.copyCurrentStructure(p);
                }
            }
        }
        g.writeEndObject();
    }

    private static void writePid(JsonParser p, JsonGenerator g, JsonToken t, RankHeader r) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            g.writeNumber(p.getLongValue() + r.pidOffset);
        } else if (t == JsonToken.VALUE_STRING) {
            g.writeString(rankLabel(r) + ": " + p.getText());
        } else {
            g.copyCurrentStructure(p);
        }
    }

    private static String rankLabel(RankHeader r) {
        return r.rank.isPresent() ? "rank " + r.rank.getAsInt() : "trace " + r.index;
    }

    private static void writeId(JsonParser p, JsonGenerator g, JsonToken t, RankHeader r, int rankCount)
            throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            g.writeNumber(remapId(p.getLongValue(), p, r, rankCount));
            return;
        }
        if (t == JsonToken.VALUE_STRING) {
            String text = p.getText();
            long numeric;
            try {
                numeric = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                // a non-numeric id (allowed for flows): a rank prefix keeps it apart
                g.writeString("r" + r.index + ":" + text);
                return;
            }
            // a numeric string links like a number: keep it a string, renumbered like the numbers
            g.writeString(Long.toString(remapId(numeric, p, r, rankCount)));
            return;
        }
        g.copyCurrentStructure(p);
    }

    /** {@code id * ranks + k}: ids of different ranks never meet. */
    private static long remapId(long id, JsonParser p, RankHeader r, int rankCount) {
        try {
            return Math.addExact(Math.multiplyExact(id, (long) rankCount), r.index);
        } catch (ArithmeticException e) {
            throw FlowsimException.badInput(r.file + ": id " + id + " at " + p.currentLocation().offsetDescription()
                    + " is too large to keep " + rankCount + " ranks apart in 64-bit ids", e);
        }
    }

    private static void copyArgs(JsonParser p, JsonGenerator g, RankHeader r, int rankCount, String metadataName)
            throws IOException {
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            g.writeFieldName(key);
            if (ID_ARGS.contains(key) && t == JsonToken.VALUE_NUMBER_INT) {
                writeId(p, g, t, r, rankCount);
            } else if ("process_name".equals(metadataName) && key.equals("name") && t == JsonToken.VALUE_STRING) {
                g.writeString(rankLabel(r) + ": " + p.getText());
            } else if ("process_sort_index".equals(metadataName) && key.equals("sort_index")
                    && t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                g.writeNumber(p.getLongValue() + r.pidOffset);
            } else {
                g.copyCurrentStructure(p);
            }
        }
        g.writeEndObject();
    }
}
