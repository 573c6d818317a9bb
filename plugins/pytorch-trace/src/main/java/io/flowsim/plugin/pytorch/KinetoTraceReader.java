package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Progress;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.DistributedInfo;
import io.flowsim.api.model.TraceMetadata;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.ZipException;

/**
 * Reads one trace file: one streaming pass ({@link TraceScanner}), then linking
 * ({@link TraceLinker}) over the compact records and the spill file, then metadata.
 */
final class KinetoTraceReader {

    private KinetoTraceReader() {
    }

    /**
     * @param worldSize the group size of collectives without a process group ({@code --world-size}); 0 to take
     *                  the trace's {@code distributedInfo.world_size}
     */
    static KinetoTrace read(Path file, RunContext context, int worldSize) {
        String label = file.toString();
        try {
            return read(file, context, false, worldSize);
        } catch (InvalidUtf8 e) {
            context.reporter().warn(label + ": the trace contains invalid UTF-8 (" + e.getMessage()
                    + "); reading it again with broken characters replaced");
            return read(file, context, true, worldSize);
        }
    }

    private static KinetoTrace read(Path file, RunContext context, boolean lenientUtf8, int worldSize) {
        String label = file.toString();
        String fileName = file.getFileName().toString();
        try (CpuEventSpill spill = new CpuEventSpill();
             TraceInput input = open(file, context.threadsPerTrace());
             Progress progress = context.reporter().startProgress("reading " + fileName, input.size(), "bytes")) {
            TraceScanner scan = new TraceScanner(label, spill, progress);
            long started = System.nanoTime();
            try {
                scan.scan(input, lenientUtf8);
            } catch (JsonProcessingException e) {
                if (!lenientUtf8 && e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Invalid UTF-8")) {
                    throw new InvalidUtf8(e.getOriginalMessage());
                }
                throw broken(label, input, scan, e, EventLocation.of(scan.events, e.getLocation()));
            } catch (IOException e) {
                throw broken(label, input, scan, e, scan.position());
            }
            spill.finishWriting();
            progress.close();
            long scanned = System.nanoTime();
            long withExternalId = scan.counts.get(ParseStatistic.RUNTIME_WITH_EXTERNAL_ID)
                    + scan.counts.get(ParseStatistic.KERNELS_WITH_EXTERNAL_ID);
            ExternalIdDialect dialect = ExternalIdDialect.detect(scan.bothIds, scan.equalIds, withExternalId);
            try (Progress linking = context.reporter().startProgress("linking " + fileName,
                    spill.records() + scan.runtimeCalls.size() + spill.records(), "frames")) {
                new TraceLinker(scan, spill, dialect, label, linking, worldSize).link();
            }
            context.reporter().debug(String.format(java.util.Locale.ROOT,
                    "%s: read %d events in %.3f s, linked %d GPU activities in %.3f s (%s; %d spilled frames,"
                            + " at most %d natural runs on a thread)", label, scan.events,
                    (scanned - started) / 1e9, scan.activities.size(), (System.nanoTime() - scanned) / 1e9, dialect.id(),
                    spill.frames(), spill.mostRunsOfAThread()));
            scan.counts.set(ParseStatistic.SPILL_RECORDS, spill.records());
            scan.counts.set(ParseStatistic.SPILL_BYTES, spill.bytes());
            scan.counts.set(ParseStatistic.EVENTS, scan.events);
            if (!scan.kinetoErrors.isEmpty()) {
                context.reporter().warn(label + ": the profiler logged " + scan.kinetoErrors.size()
                        + " error(s) while recording, e.g. " + scan.kinetoErrors.get(0));
            }

            long baseNs = Ids.present(scan.baseTimeNs) ? scan.baseTimeNs : 0;
            List<GpuActivity> activities = new ArrayList<>(scan.activities);
            activities.sort(Comparator.comparingLong((GpuActivity a) -> a.tsNs).thenComparingLong(a -> a.ordinal));
            checkTimeRange(label, activities, baseNs);
            return new KinetoTrace(metadata(file, scan, dialect), activities, baseNs, scan.counts.toMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + label + ": " + e.getMessage(), e);
        }
    }

    private static TraceInput open(Path file, int threads) {
        try {
            return TraceInput.open(file, threads);
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            // only the gzip header is read here; the JDK says "null" for one cut short
            throw FlowsimException.badInput(file + ": the gzip header is truncated or corrupt"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
                    + "; the trace is incomplete or not a PyTorch-profiler trace; re-export or re-copy it", e);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot read trace file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkTimeRange(String label, List<GpuActivity> activities, long baseNs) {
        for (GpuActivity a : activities) {
            try {
                Math.addExact(Math.addExact(baseNs, a.tsNs), a.durNs);
            } catch (ArithmeticException e) {
                throw FlowsimException.badInput(label + ": event #" + a.ordinal + " (" + a.name
                        + "): its time plus baseTimeNanoseconds does not fit in 64-bit nanoseconds");
            }
        }
    }

    private static FlowsimException broken(String label, TraceInput input, TraceScanner scan, IOException e,
                                           EventLocation location) {
        String what;
        if (e instanceof EOFException && input.isGzip() || e instanceof ZipException) {
            what = "the gzip data is truncated or corrupt (" + e.getMessage() + ") after " + input.fileBytesRead()
                    + " of " + input.size() + " compressed bytes";
        } else if (e instanceof StreamConstraintsException) {
            what = "a value exceeds FlowSim's limits (" + ((JsonProcessingException) e).getOriginalMessage() + ")";
        } else if (e instanceof JsonProcessingException j) {
            String message = j.getOriginalMessage();
            what = (message != null && message.startsWith("Unexpected end-of-input")
                    ? "the JSON text ends early (truncated file?): " : "malformed JSON: ") + firstLine(message);
        } else {
            what = "read error: " + e.getMessage();
        }
        String where = location.position();
        return FlowsimException.badInput(label + ": " + what + (where.isEmpty() ? "" : " at " + where) + "; "
                + scan.events + " events were read before the error. The trace is incomplete or not a"
                + " PyTorch-profiler trace; re-export or re-copy it.", e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static TraceMetadata metadata(Path file, TraceScanner scan, ExternalIdDialect dialect) {
        String fileName = file.getFileName().toString();
        Optional<DistributedInfo> distributed = TraceMetadataReader.distributed(scan.distributedInfo);
        OptionalInt rank = distributed.map(DistributedInfo::rank).filter(OptionalInt::isPresent)
                .orElseGet(() -> scan.mergedRanks != null ? OptionalInt.empty()
                        : TraceMetadataReader.rankFromFileName(fileName));
        Map<String, String> properties = new LinkedHashMap<>(scan.properties);
        properties.put(TraceMetadata.DIALECT, dialect.id());
        properties.put("timestamps", Ids.present(scan.baseTimeNs) ? "relative-to-base-ns" : "absolute-us");
        if (Ids.present(scan.baseTimeNs)) {
            properties.put("base_time_ns", Long.toString(scan.baseTimeNs));
        }
        properties.put("timestamp_numbers", scan.decimalTimestamps ? "decimal" : "integer");
        properties.put("legacy_categories", Boolean.toString(scan.legacyCategories));
        if (!scan.kinetoErrors.isEmpty()) {
            properties.put("profiler_errors", Integer.toString(scan.kinetoErrors.size()));
        }
        TraceMerger.mergedRanks(scan.mergedRanks).ifPresent(r -> properties.put("merged_ranks", r));
        TraceMetadataReader.stageFromFileName(fileName).ifPresent(s -> properties.put(TraceMetadata.STAGE, s));
        return new TraceMetadata(TraceMetadataReader.traceName(fileName), file.toString(),
                TraceMetadataReader.devices(scan.deviceProperties), distributed, rank, properties);
    }

    /** Signals a retry with lenient decoding. */
    private static final class InvalidUtf8 extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidUtf8(String message) {
            super(message, null, false, false);
        }
    }
}
