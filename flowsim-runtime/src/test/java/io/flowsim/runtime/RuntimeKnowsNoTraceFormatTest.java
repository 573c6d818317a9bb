package io.flowsim.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime knows no trace format: which file is a trace, and why another is not, is the trace sources'
 * judgement ({@code TraceSource.canOpen}, {@code whyNotATrace}), so that a third-party source for another
 * format finds its files in a {@code --trace-dir} too. A source check over {@code flowsim-runtime/src/main}
 * for the Chrome trace format's key, the same search as {@code grep -rn traceEvents}.
 */
class RuntimeKnowsNoTraceFormatTest {

    static final Pattern TRACE_FORMAT = Pattern.compile("traceEvents");

    /** Every line under {@code root} that names the trace format, as {@code path:line: text}. */
    static List<String> offendingLines(Path root) {
        return RuntimeSourceLines.matching(root, line -> TRACE_FORMAT.matcher(line).find());
    }

    @Test
    void theRuntimeSourcesNameNoTraceFormat() {
        Path main = RuntimeSourceLines.runtimeMain();
        assertThat(main.resolve("java/io/flowsim/runtime/pipeline/TraceDirectory.java")).exists();
        assertThat(offendingLines(main)).isEmpty();
    }

    @Test
    void theCheckFindsTheFormatsKey(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("java"));
        Files.writeString(src.resolve("Rogue.java"), String.join("\n",
                "class Rogue {",
                "    // a JSON file is a trace",
                "    boolean trace = key.equals(\"traceEvents\");",
                "}"));
        assertThat(offendingLines(dir)).containsExactly("java/Rogue.java:3: boolean trace = key.equals(\"traceEvents\");");
    }
}
