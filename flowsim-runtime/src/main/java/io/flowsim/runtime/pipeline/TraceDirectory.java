package io.flowsim.runtime.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.flowsim.api.FlowsimException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The traces of a {@code --trace-dir}: every {@code *.json} / {@code *.json.gz} regular file directly in
 * the folder (not searched recursively), sorted by name, except complete JSON documents that are not
 * profiler traces (no {@code "traceEvents"}: the {@code *.meta.json} sidecars of the demo folder, a
 * config file), which are listed as skipped with the reason.
 *
 * <p>Only a complete, well-formed document can be judged "not a trace": a file that is empty, truncated,
 * not JSON or not gzip stays a trace, so that reading it fails the run with the trace source's message
 * naming the file and where it broke. A folder where nothing is left is an error.
 */
public final class TraceDirectory {

    /** Top-level keys named in a skip reason, at most. */
    private static final int KEYS_SHOWN = 5;

    // sidecars are small; a large non-trace document is skipped over without holding its strings
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1_000)
                    .maxStringLength(Integer.MAX_VALUE).maxNumberLength(1_000).build())
            .build();

    private TraceDirectory() {
    }

    /** A file of the folder that is not a trace, and why (one line). */
    public record Skipped(Path file, String reason) {

        /**
         * The line that lists it, {@code skipped FILE: REASON}; a control character of the file's name (a
         * newline is legal in one) is shown as {@code ?}, so that the line stays one line.
         */
        public String line() {
            return "skipped " + file.toString().replaceAll("\\p{Cntrl}", "?") + ": " + reason;
        }
    }

    /**
     * A folder's traces and the JSON files skipped.
     *
     * @param traces  the trace files, sorted by name; never empty
     * @param skipped the JSON files that are not traces, sorted by name
     */
    public record Listing(Path directory, List<Path> traces, List<Skipped> skipped) {
        public Listing {
            traces = List.copyOf(traces);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Lists {@code directory}.
     *
     * @throws FlowsimException bad input when the folder is missing or unreadable, or holds no trace (the
     *                          message names the files skipped and why)
     */
    public static Listing list(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw FlowsimException.badInput("trace directory not found: " + directory);
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(directory)) {
            for (Path p : s) {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if ((n.endsWith(".json") || n.endsWith(".json.gz")) && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot list trace directory " + directory + ": " + e.getMessage(), e);
        }
        found.sort(null);
        List<Path> traces = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path p : found) {
            Optional<String> why = notATrace(p);
            if (why.isPresent()) {
                skipped.add(new Skipped(p, why.get()));
            } else {
                traces.add(p);
            }
        }
        if (traces.isEmpty()) {
            throw FlowsimException.badInput("no traces (*.json, *.json.gz) in " + directory + (skipped.isEmpty() ? ""
                    : "; skipped " + (skipped.size() == 1 ? "1 JSON file that is not a profiler trace, "
                    : skipped.size() + " JSON files that are not profiler traces, e.g. ")
                    + skipped.get(0).file().getFileName() + ": " + skipped.get(0).reason()));
        }
        return new Listing(directory, traces, skipped);
    }

    /**
     * Why {@code file} is not a profiler trace, if it is a complete JSON document without
     * {@code "traceEvents"} (the Chrome trace format's object form) that is not an array of events (its
     * array form); empty when it is a trace or cannot be judged (damaged, truncated, unreadable).
     */
    static Optional<String> notATrace(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return notATrace(in);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * {@link #notATrace(Path)} for a file opened elsewhere (a Hadoop file system's, for the Spark job that
     * lists folders by the same rule), plain or gzip; reads the document's top level only, and closes
     * {@code file}.
     */
    public static Optional<String> notATrace(InputStream file) {
        try (InputStream in = open(file); JsonParser p = JSON.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null || t == JsonToken.START_ARRAY) {
                return Optional.empty();
            }
            if (t != JsonToken.START_OBJECT) {
                String kind = switch (t) {
                    case VALUE_STRING -> "string";
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
                    case VALUE_TRUE, VALUE_FALSE -> "boolean";
                    case VALUE_NULL -> "null";
                    default -> "value";
                };
                return Optional.of("not a profiler trace (a JSON " + kind + ", not an object with \"traceEvents\")");
            }
            List<String> keys = new ArrayList<>();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (key.equals("traceEvents")) {
                    return Optional.empty();
                }
                keys.add(key);
                p.nextToken();
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT) {
                return Optional.empty();
            }
            return Optional.of("not a profiler trace (a JSON document with no \"traceEvents\"; "
                    + (keys.isEmpty() ? "an empty object)" : "top-level keys: " + shown(keys) + ")"));
        } catch (IOException | RuntimeException damaged) {
            // the trace source reads it and says, with the file and the place, what is wrong
            return Optional.empty();
        }
    }

    private static InputStream open(InputStream file) throws IOException {
        InputStream in = new BufferedInputStream(file, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static String shown(List<String> keys) {
        List<String> clean = keys.stream().limit(KEYS_SHOWN)
                .map(k -> k.length() > 40 ? k.substring(0, 40) + "..." : k)
                .map(k -> k.replaceAll("\\p{Cntrl}", "?")).toList();
        int more = keys.size() - clean.size();
        return String.join(", ", clean) + (more > 0 ? " and " + more + " more" : "");
    }
}
