package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.Trace;
import io.flowsim.api.model.KernelRecord;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The parser benchmark (docs/performance.md): for each trace, the time to parse it into kernel
 * records against the time to merely gunzip and tokenize it with Jackson, and the peak heap.
 * Optionally generates a large synthetic trace by replicating a real one with shifted ids and
 * timestamps, in a temporary directory (never committed), and parses it too.
 *
 * <pre>
 * java -Xmx512m -cp "$(cat cp.txt):target/classes:target/test-classes" \
 *      io.flowsim.plugin.pytorch.PyTorchTraceBenchmark [--runs N] [--synthetic-gb G] trace.json.gz...
 * </pre>
 *
 * Not a unit test: nothing here runs in the build.
 */
public final class PyTorchTraceBenchmark {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private PyTorchTraceBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int runs = 5;
        double syntheticGb = 0;
        Path writeSynthetic = null;
        List<Path> traces = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--synthetic-gb" -> syntheticGb = Double.parseDouble(args[++i]);
                case "--write-synthetic" -> writeSynthetic = Path.of(args[++i]);
                default -> traces.add(Path.of(args[i]));
            }
        }
        if (traces.isEmpty()) {
            System.err.println("usage: PyTorchTraceBenchmark [--runs N] [--synthetic-gb G] "
                    + "[--write-synthetic FILE] trace.json.gz...");
            System.exit(2);
        }
        if (writeSynthetic != null) {
            // only write the synthetic trace (for whole-process runs: bench/cold-start.sh); the caller deletes it
            long bytes = Synthesizer.write(traces.get(0), writeSynthetic, (long) (Math.max(syntheticGb, 0.001) * (1L << 30)));
            System.out.printf(Locale.ROOT, "wrote %s: %.0f MB of JSON, %.0f MB gzip%n", writeSynthetic, bytes / 1e6,
                    Files.size(writeSynthetic) / 1e6);
            return;
        }
        System.out.printf(Locale.ROOT, "JVM %s, max heap %d MB, %d CPUs%n", System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-44s %7s %8s %9s %7s %8s %8s %8s %8s %6s %6s %6s %9s %9s%n", "file",
                "file MB", "JSON MB", "events", "records", "parse s", "cpu s", "tok s", "cpu s", "ratio", "cpu r.",
                "MB/s", "peak heap", "live heap");
        for (Path trace : traces) {
            report(trace, runs);
        }
        if (syntheticGb > 0) {
            Path dir = Files.createTempDirectory("flowsim-bench-");
            Path synthetic = dir.resolve("synthetic.trace.json.gz");
            try {
                long t0 = System.nanoTime();
                long bytes = Synthesizer.write(traces.get(0), synthetic, (long) (syntheticGb * (1L << 30)));
                System.out.printf(Locale.ROOT, "(generated %s: %.0f MB of JSON, %.0f MB gzip, in %.1f s)%n", synthetic,
                        bytes / 1e6, Files.size(synthetic) / 1e6, (System.nanoTime() - t0) / 1e9);
                report(synthetic, 1);
            } finally {
                Files.deleteIfExists(synthetic);
                Files.deleteIfExists(dir);
            }
        }
    }

    private static void report(Path trace, int runs) throws IOException {
        long jsonBytes = 0;
        long events = 0;
        int kernels = 0;
        double bestParse = Double.MAX_VALUE;
        double bestTokenize = Double.MAX_VALUE;
        double bestParseCpu = Double.MAX_VALUE;
        double bestTokenizeCpu = Double.MAX_VALUE;
        long peak = 0;
        long live = 0;
        for (int run = 0; run < runs + (runs > 1 ? 1 : 0); run++) {
            boolean warmUp = runs > 1 && run == 0;
            double[] tokenized = tokenize(trace);
            jsonBytes = (long) tokenized[1];
            resetPeakHeap();
            long cpu0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            try (Trace t = Traces.open(trace)) {
                kernels = 0;
                for (var it = t.kernels().iterator(); it.hasNext(); ) {
                    KernelRecord r = it.next();
                    if (r.name() != null) {
                        kernels++;
                    }
                }
                events = t.statistics().get("events");
                System.gc();
                live = Math.max(live, usedHeap());
            }
            double parse = (System.nanoTime() - t0) / 1e9;
            double parseCpu = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
            peak = Math.max(peak, peakHeap());
            if (!warmUp) {
                bestParse = Math.min(bestParse, parse);
                bestTokenize = Math.min(bestTokenize, tokenized[0]);
                bestParseCpu = Math.min(bestParseCpu, parseCpu);
                bestTokenizeCpu = Math.min(bestTokenizeCpu, tokenized[2]);
            }
        }
        System.out.printf(Locale.ROOT,
                "%-44s %7.1f %8.1f %9d %7d %8.3f %8.3f %8.3f %8.3f %6.2f %6.2f %6.0f %6d MB %6d MB%n",
                shorten(trace.getFileName().toString()), Files.size(trace) / 1e6, jsonBytes / 1e6, events, kernels,
                bestParse, bestParseCpu, bestTokenize, bestTokenizeCpu, bestParse / bestTokenize,
                bestParseCpu / bestTokenizeCpu, jsonBytes / 1e6 / bestParse, peak >> 20, live >> 20);
    }

    private static String shorten(String name) {
        return name.length() <= 44 ? name : name.substring(0, 41) + "...";
    }

    /**
     * The baseline: seconds to gunzip and tokenize the whole file with Jackson on one thread (a plain
     * {@link GZIPInputStream}), the JSON bytes read, and the CPU seconds.
     */
    private static double[] tokenize(Path trace) throws IOException {
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long tokens = 0;
        long bytes;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(trace), 1 << 16);
             InputStream json = trace.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(file, 1 << 16) : file;
             JsonParser p = TraceJson.FACTORY.createParser(json)) {
            while (p.nextToken() != null) {
                tokens++;
            }
            bytes = p.currentLocation().getByteOffset();
        }
        if (tokens == 0) {
            throw new IllegalStateException("empty trace " + trace);
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, bytes, (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9};
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Heap in use now. */
    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The sum of the heap pools' peaks since the last reset: an upper bound of the peak heap in use. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /**
     * Writes a large trace by repeating the events of a real one: copy {@code k} has its timestamps
     * shifted past copy {@code k-1}, and its correlation, External and flow ids offset, so that
     * every copy links exactly like the original.
     */
    static final class Synthesizer {

        private Synthesizer() {
        }

        /** Writes at least {@code targetBytes} of JSON (gzip-compressed) to {@code out}; returns the JSON bytes written. */
        static long write(Path source, Path out, long targetBytes) throws IOException {
            long[] span = span(source);
            long idStride = span[2] + 1;
            long shiftNs = span[1] - span[0] + 1_000_000;
            CountingOutputStream counter;
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
                 OutputStream gzip = new GZIPOutputStream(file, 1 << 16) {
                     {
                         def.setLevel(Deflater.BEST_SPEED);
                     }
                 };
                 CountingOutputStream c = new CountingOutputStream(gzip);
                 JsonGenerator g = TraceJson.FACTORY.createGenerator(c)) {
                counter = c;
                g.writeStartObject();
                copyTopLevel(source, g);
                g.writeFieldName("traceEvents");
                g.writeStartArray();
                for (long k = 0; k == 0 || c.count < targetBytes; k++) {
                    copyEvents(source, g, k * shiftNs, k * idStride);
                    g.flush();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            return counter.count;
        }

        /**
         * [first ts ns, an upper bound of the last end ns, max id] over ALL the source's events, CPU
         * ones included: a Python frame may open before the first kernel and close after the last, so a
         * shift by the kernels' span alone would nest each copy's frames inside the previous copy's and
         * the call stacks would grow with every copy (553 frames per kernel at 2 GB instead of ~25).
         */
        private static long[] span(Path source) throws IOException {
            long min = Long.MAX_VALUE;
            long maxTs = Long.MIN_VALUE;
            long maxDur = 0;
            long maxId = 0;
            try (TraceInput in = TraceInput.open(source); JsonParser p = TraceJson.FACTORY.createParser(in.json())) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.FIELD_NAME) {
                        String n = p.currentName();
                        if (n.equals("correlation") || n.equals("External id") || n.equals("id")) {
                            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                                maxId = Math.max(maxId, p.getLongValue());
                            }
                        } else if (n.equals("ts") || n.equals("dur")) {
                            if (p.nextToken().isNumeric()) {
                                long v = Micros.toNanos(p.getText());
                                if (n.equals("ts")) {
                                    min = Math.min(min, v);
                                    maxTs = Math.max(maxTs, v);
                                } else {
                                    maxDur = Math.max(maxDur, v);
                                }
                            }
                        }
                    }
                }
            }
            return new long[] {min, maxTs + maxDur, maxId};
        }

        private static void copyTopLevel(Path source, JsonGenerator g) throws IOException {
            try (TraceInput in = TraceInput.open(source); JsonParser p = TraceJson.FACTORY.createParser(in.json())) {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (key.equals("traceEvents")) {
                        p.skipChildren();
                    } else {
                        g.writeFieldName(key);
                        g.copyCurrentStructure(p);
                    }
                }
            }
        }

        private static void copyEvents(Path source, JsonGenerator g, long shiftNs, long idShift) throws IOException {
            try (TraceInput in = TraceInput.open(source); JsonParser p = TraceJson.FACTORY.createParser(in.json())) {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (!key.equals("traceEvents")) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        copyEvent(p, g, shiftNs, idShift);
                    }
                }
            }
        }

        private static void copyEvent(JsonParser p, JsonGenerator g, long shiftNs, long idShift) throws IOException {
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                g.writeFieldName(key);
                if (key.equals("ts") && t.isNumeric()) {
                    g.writeNumber(Micros.format(Micros.toNanos(p.getText()) + shiftNs));
                } else if (key.equals("id") && t == JsonToken.VALUE_NUMBER_INT) {
                    g.writeNumber(p.getLongValue() + idShift);
                } else if (key.equals("args") && t == JsonToken.START_OBJECT) {
                    g.writeStartObject();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String arg = p.currentName();
                        JsonToken v = p.nextToken();
                        g.writeFieldName(arg);
                        if ((arg.equals("correlation") || arg.equals("External id")) && v == JsonToken.VALUE_NUMBER_INT) {
                            g.writeNumber(p.getLongValue() + idShift);
                        } else {
                            g.copyCurrentStructure(p);
                        }
                    }
                    g.writeEndObject();
                } else {
                    g.copyCurrentStructure(p);
                }
            }
            g.writeEndObject();
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
