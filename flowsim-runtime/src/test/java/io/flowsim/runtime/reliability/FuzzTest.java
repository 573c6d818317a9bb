package io.flowsim.runtime.reliability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fault suite's seeded mutation fuzzer: real traces (windows of the project's demo traces and,
 * when {@code ../shared} is present, its small traces) damaged by byte flips, cuts, duplications,
 * hostile names and numeric extremes, each run through the real command line ({@code flowsim parse}
 * in process, a sample in child JVMs) with the bundled trace parser, kernel database, CSV and report
 * exporters on the class path. Every case must end with exit 0 and complete outputs, or exit 2 with
 * one line and nothing written; never exit 1, a stack trace, a temporary file or partial output.
 *
 * <p>{@code -Dfuzz.cases=N} sets the number of in-process cases (default 300), {@code -Dfuzz.first=F} the
 * number of the first (default 0; parts of a long run), {@code -Dfuzz.seed=S}
 * the seed (default 16), {@code -Dfuzz.processes=N} the child-JVM sample (default 3),
 * {@code -Dfuzz.threads=N} how many cases run at once (default 1; cases are independent). A failing
 * case is written to {@code target/fuzz-failures/} with its seed and mutation for reproduction.
 */
class FuzzTest {

    private static final int CASES = Integer.getInteger("fuzz.cases", 300);
    /** The first case's number: a long run can be split into parts, cases FIRST .. FIRST + CASES - 1 each. */
    private static final int FIRST = Integer.getInteger("fuzz.first", 0);
    private static final long SEED = Long.getLong("fuzz.seed", 16);
    private static final int PROCESSES = Integer.getInteger("fuzz.processes", 3);
    private static final int THREADS = Integer.getInteger("fuzz.threads", 1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private static final String[] HOSTILE_NAMES = {
        "\\ud800", "\\udfff_tail", "a\\u0000b", "line\\nbreak\\r\\n", "comma,\\\"quote\\\",semicolon;", "../../etc/passwd",
        "\\u202e\\u0627\\u0644", "(.*a){8}$", "%s%n%x", "=cmd|' /C calc'!A0", "\\t\\t", "", " ",
        "x".repeat(70_000), "\\ud83d\\ude00".repeat(100), "<script>alert(1)</script>", "C:\\\\\\\\con\\\\\\\\aux"};
    private static final String[] EXTREME_NUMBERS = {
        "0", "-1", "-0", "1e308", "-1e308", "1e-400", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999999", "NaN", "Infinity", "-Infinity", "0.0000000001", "1.5e15", "4294967296", "null",
        "\"12\"", "\"abc\"", "[]", "{}", "true"};

    @TempDir
    static Path work;

    private static List<byte[]> seeds;

    @BeforeAll
    static void seeds() throws IOException {
        assumeTrue(onClassPath("io.flowsim.plugin.pytorch.PyTorchTraceSource"),
                "the bundled plugins' classes are not on this test class path (run through mvn verify)");
        seeds = new ArrayList<>();
        Random random = new Random(SEED);
        for (Path demo : List.of(Reliability.llamaDemoTrace(), Reliability.qwenDemoTrace())) {
            byte[] json = gunzip(Files.readAllBytes(demo));
            for (int window : new int[] {40, 150, 400}) {
                seeds.add(window(json, window, random));
            }
        }
        Reliability.sharedDir().ifPresent(shared -> {
            try (Stream<Path> files = Files.walk(shared.resolve("data/traces"))) {
                files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".json.gz")).sorted()
                        .forEach(f -> {
                            try {
                                if (Files.size(f) < 200_000) {
                                    seeds.add(gunzip(Files.readAllBytes(f)));
                                }
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, FuzzTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /**
     * A smaller real trace: the trace-level keys, the metadata events, and {@code size} consecutive
     * events from a random place in the real trace, copied token by token (never a tree).
     */
    static byte[] window(byte[] trace, int size, Random random) throws IOException {
        long total = 0;
        try (JsonParser p = FACTORY.createParser(trace)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("traceEvents")) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        p.skipChildren();
                        total++;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        long start = total <= size ? 0 : (long) (random.nextDouble() * (total - size));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonParser p = FACTORY.createParser(trace); JsonGenerator g = FACTORY.createGenerator(out)) {
            p.nextToken();
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                g.writeFieldName(key);
                if (!key.equals("traceEvents")) {
                    g.copyCurrentStructure(p);
                    continue;
                }
                g.writeStartArray();
                long i = 0;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    boolean keep = i >= start && i < start + size;
                    if (keep) {
                        g.copyCurrentStructure(p);
                    } else {
                        // metadata events name the processes and threads: always kept
                        ByteArrayOutputStream one = new ByteArrayOutputStream();
                        try (JsonGenerator e = FACTORY.createGenerator(one)) {
                            e.copyCurrentStructure(p);
                        }
                        String text = one.toString(StandardCharsets.UTF_8);
                        if (text.contains("\"ph\":\"M\"")) {
                            g.writeRawValue(text);
                        }
                    }
                    i++;
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** One damaged trace: the seed, what was done to it, and the bytes. */
    record Case(int number, int seedIndex, String mutation, byte[] bytes, boolean gzipped) {
    }

    static Case mutate(int number, List<byte[]> seeds, long seed) throws IOException {
        Random r = new Random(seed * 1_000_003L + number);
        int seedIndex = r.nextInt(seeds.size());
        byte[] b = seeds.get(seedIndex);
        String mutation;
        switch (r.nextInt(7)) {
            case 0 -> {
                int flips = 1 + r.nextInt(8);
                b = b.clone();
                StringBuilder where = new StringBuilder();
                for (int i = 0; i < flips; i++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 + r.nextInt(255));
                    where.append(at).append(' ');
                }
                mutation = "flip bytes at " + where.toString().trim();
            }
            case 1 -> {
                int at = r.nextInt(b.length);
                b = Arrays.copyOf(b, at);
                mutation = "cut at byte " + at;
            }
            case 2 -> {
                int from = r.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + r.nextInt(4096));
                int to = r.nextInt(b.length);
                byte[] d = new byte[b.length + len];
                System.arraycopy(b, 0, d, 0, to);
                System.arraycopy(b, from, d, to, len);
                System.arraycopy(b, to, d, to + len, b.length - to);
                b = d;
                mutation = "duplicate " + len + " bytes from " + from + " at " + to;
            }
            case 3 -> {
                String name = HOSTILE_NAMES[r.nextInt(HOSTILE_NAMES.length)];
                String text = new String(b, StandardCharsets.UTF_8);
                List<Integer> names = occurrences(text, "\"name\":\"");
                if (names.isEmpty()) {
                    mutation = "no name to replace";
                } else {
                    int at = names.get(r.nextInt(names.size())) + "\"name\":\"".length();
                    int end = text.indexOf('"', at);
                    while (end > 0 && text.charAt(end - 1) == '\\') {
                        end = text.indexOf('"', end + 1);
                    }
                    text = text.substring(0, at) + name + text.substring(Math.max(at, end));
                    b = text.getBytes(StandardCharsets.UTF_8);
                    mutation = "hostile name at char " + at + ": " + abbreviate(name);
                }
            }
            case 4 -> {
                String field = new String[] {"ts", "dur", "pid", "tid", "correlation", "External id", "device",
                    "stream", "grid", "baseTimeNanoseconds", "id"}[r.nextInt(11)];
                String value = EXTREME_NUMBERS[r.nextInt(EXTREME_NUMBERS.length)];
                String text = new String(b, StandardCharsets.UTF_8);
                List<Integer> at = occurrences(text, "\"" + field + "\":");
                if (at.isEmpty()) {
                    mutation = "no " + field + " to replace";
                } else {
                    int start = at.get(r.nextInt(at.size())) + field.length() + 3;
                    int end = start;
                    int depth = 0;
                    while (end < text.length()) {
                        char c = text.charAt(end);
                        if (c == '[' || c == '{') {
                            depth++;
                        } else if (c == ']' || c == '}') {
                            if (depth == 0) {
                                break;
                            }
                            depth--;
                        } else if (c == ',' && depth == 0) {
                            break;
                        }
                        end++;
                    }
                    text = text.substring(0, start) + value + text.substring(end);
                    b = text.getBytes(StandardCharsets.UTF_8);
                    mutation = field + " := " + value + " at char " + start;
                }
            }
            case 5 -> {
                String junk = new String[] {"{\"traceEvents\": []}", "\u0000\u0000", "]", ",", "garbage"}[r.nextInt(5)];
                b = (new String(b, StandardCharsets.UTF_8) + junk).getBytes(StandardCharsets.UTF_8);
                mutation = "append " + abbreviate(junk);
            }
            default -> {
                mutation = "unchanged";
            }
        }
        boolean gz = r.nextInt(3) == 0;
        if (gz) {
            b = gzip(b);
            if (r.nextInt(4) == 0) {
                int at = r.nextInt(b.length);
                b = Arrays.copyOf(b, at);
                mutation += ", gzipped and cut at " + at;
            } else {
                mutation += ", gzipped";
            }
        }
        return new Case(number, seedIndex, mutation, b, gz);
    }

    private static List<Integer> occurrences(String text, String what) {
        List<Integer> at = new ArrayList<>();
        for (int i = text.indexOf(what); i >= 0 && at.size() < 100_000; i = text.indexOf(what, i + 1)) {
            at.add(i);
        }
        return at;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    static List<String> args(Path trace, Path out) {
        return List.of("--quiet", "--no-bundled-plugins", "parse", "--trace-file", trace.toString(), "--output-dir",
                out.toString(), "--source", "pytorch-trace", "--resolver", "kernels-json", "--exporter", "csv",
                "--exporter", "summary", "--exporter", "unknown-kernels", "--exporter", "html-report",
                "--exporter", "timeline");
    }

    /** What every case must satisfy; empty when it does, else why not. */
    static String violation(int exitCode, String err, Path trace, Path out) throws IOException {
        List<String> lines = err.lines().filter(l -> !l.isBlank() && !l.startsWith("warning: ")).toList();
        if (err.contains("Exception in thread") || err.matches("(?s).*\\n\\s+at [\\w.$]+\\(.*")) {
            return "a stack trace";
        }
        List<String> written = Files.isDirectory(out) ? Reliability.names(out) : List.of();
        if (written.stream().anyMatch(n -> n.endsWith(".tmp"))) {
            return "a temporary file left: " + written;
        }
        String base = trace.getFileName().toString().replaceFirst("\\.gz$", "").replaceFirst("\\.json$", "");
        switch (exitCode) {
            case 0 -> {
                if (!lines.isEmpty()) {
                    return "exit 0 with an error line: " + lines;
                }
                List<String> expected = List.of(base + ".csv", base + ".memory.csv", "summary.json",
                        "unknown_kernels.json", "kernels.schema.json", "report.html", base + ".timeline.json.gz",
                        "run.json");
                if (!written.containsAll(expected)) {
                    return "exit 0 but outputs missing: " + written;
                }
                try {
                    JSON.readTree(out.resolve("summary.json").toFile());
                    JSON.readTree(out.resolve("unknown_kernels.json").toFile());
                    JSON.readTree(out.resolve("run.json").toFile());
                    try (InputStream timeline = new GZIPInputStream(Files.newInputStream(
                            out.resolve(base + ".timeline.json.gz")))) {
                        JSON.readTree(timeline);
                    }
                    if (!Files.readString(out.resolve("report.html")).strip().endsWith("</html>")) {
                        return "exit 0 but report.html is not a complete page";
                    }
                } catch (IOException e) {
                    return "exit 0 but an output is not valid JSON: " + e.getMessage();
                }
                return "";
            }
            case 2 -> {
                if (lines.size() != 1 || !lines.get(0).startsWith("flowsim: ")) {
                    return "exit 2 without exactly one 'flowsim: ' line: " + lines;
                }
                if (!written.isEmpty()) {
                    return "exit 2 but output written: " + written;
                }
                return "";
            }
            default -> {
                return "exit " + exitCode + ": " + lines;
            }
        }
    }

    private static synchronized void record(Case c, String why) throws IOException {
        Path dir = Files.createDirectories(Reliability.repoDir().resolve("flowsim-runtime/target/fuzz-failures"));
        Files.write(dir.resolve("case-" + c.number() + (c.gzipped() ? ".json.gz" : ".json")), c.bytes());
        Files.writeString(dir.resolve("case-" + c.number() + ".txt"), "seed " + SEED + ", case " + c.number()
                + ", seed trace #" + c.seedIndex() + ", " + c.mutation() + "\n" + why + "\n");
    }

    @Test
    void everyDamagedTraceEndsWithExit0AndCompleteOutputsOrExit2AndOneLine() throws Exception {
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicIntegerArray byExit = new java.util.concurrent.atomic.AtomicIntegerArray(3);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(THREADS);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int n = FIRST; n < FIRST + CASES; n++) {
            int i = n;
            done.add(pool.submit(() -> {
                Case c = mutate(i, seeds, SEED);
                Path dir = Files.createDirectories(work.resolve("case-" + i));
                Path trace = Files.write(dir.resolve("fuzz" + (c.gzipped() ? ".json.gz" : ".json")), c.bytes());
                Path out = dir.resolve("out");
                CliRun r = CliRun.of(args(trace, out).toArray(String[]::new));
                String why = violation(r.exitCode(), r.err(), trace, out);
                if (r.exitCode() >= 0 && r.exitCode() < 3) {
                    byExit.incrementAndGet(r.exitCode());
                }
                if (!why.isEmpty()) {
                    failures.add("case " + i + " (" + c.mutation() + "): " + why);
                    record(c, why + "\n" + r.err());
                }
                deleteTree(dir);
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("fuzz: %d cases (numbers %d to %d), seed %d: %d exit 0, %d exit 2, %d failures%n", CASES,
                FIRST, FIRST + CASES - 1, SEED, byExit.get(0), byExit.get(2), failures.size());
        assertThat(failures).as("cases that broke a promise (inputs in flowsim-runtime/target/fuzz-failures)").isEmpty();
        assertThat(byExit.get(0)).as("some damaged traces still parse").isPositive();
        assertThat(byExit.get(2)).as("some damaged traces are refused").isPositive();
    }

    @Test
    void aSampleOfDamagedTracesInChildProcesses() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            Case c = mutate(1_000_000 + i, seeds, SEED);
            Path dir = Files.createDirectories(work.resolve("process-" + i));
            Path trace = Files.write(dir.resolve("fuzz" + (c.gzipped() ? ".json.gz" : ".json")), c.bytes());
            Path out = dir.resolve("out");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.flowsim.runtime.cli.Main"));
            command.addAll(args(trace, out));
            Path log = dir.resolve("stderr.txt");
            Process p = new ProcessBuilder(command).redirectError(log.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("case %d ended", i).isTrue();
            String why = violation(p.exitValue(), Files.readString(log), trace, out);
            if (!why.isEmpty()) {
                failures.add("process case " + i + " (" + c.mutation() + "): " + why);
                record(c, why);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
