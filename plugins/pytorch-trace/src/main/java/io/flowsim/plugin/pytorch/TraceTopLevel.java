package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Whether a JSON file is a Chrome trace at all, by its top level only: a complete JSON document that is
 * not an array of events (the format's array form) and has no {@code "traceEvents"} (its object form)
 * is not one (the {@code *.meta.json} sidecars of the demo folder, a configuration file). Only a
 * complete, well-formed document is judged: a file that is empty, truncated, not JSON or not gzip is left
 * to {@link KinetoTraceReader}, whose message names the file and where it broke.
 *
 * <p>Stateless and thread-safe.
 */
final class TraceTopLevel {

    /** Top-level keys named in a reason, at most. */
    private static final int KEYS_SHOWN = 5;

    // sidecars are small; a large non-trace document is skipped over without holding its strings
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1_000)
                    .maxStringLength(Integer.MAX_VALUE).maxNumberLength(1_000).build())
            .build();

    private TraceTopLevel() {
    }

    /**
     * Why {@code content} (plain or gzip) is not a Chrome trace, in one line; empty when it is one or cannot
     * be judged. Reads the document's top level only (stopping at {@code "traceEvents"}); does not close
     * {@code content}.
     */
    static Optional<String> whyNotATrace(InputStream content) {
        try (InputStream in = open(content); JsonParser p = JSON.createParser(in)) {
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
            // the reader says, with the file and the place, what is wrong
            return Optional.empty();
        }
    }

    /** The content, decompressed when it starts with gzip's magic; closing it leaves {@code content} open. */
    private static InputStream open(InputStream content) throws IOException {
        InputStream in = new BufferedInputStream(new UnclosedInput(content), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static String shown(List<String> keys) {
        List<String> clean = keys.stream().limit(KEYS_SHOWN)
                .map(k -> k.length() > 40 ? k.substring(0, 40) + "..." : k)
                .map(OneLineText::of).toList();
        int more = keys.size() - clean.size();
        return String.join(", ", clean) + (more > 0 ? " and " + more + " more" : "");
    }

    /** The caller's stream, which its caller closes. */
    private static final class UnclosedInput extends FilterInputStream {
        UnclosedInput(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
