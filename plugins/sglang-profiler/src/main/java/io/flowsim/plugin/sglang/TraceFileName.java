package io.flowsim.plugin.sglang;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What sglang encodes in a trace file's name:
 * {@code [<prefix>-]<profile id>-TP-<tp>[-DP-<dp>][-PP-<pp>][-EP-<ep>][-<STAGE>].trace.json.gz}
 * (sglang's {@code scheduler_profiler_mixin.py}; older versions write {@code <time>-TP-<tp>.trace.json.gz}).
 */
final class TraceFileName {

    /** The suffix of the trace files sglang writes. */
    static final String SUFFIX = ".trace.json.gz";

    private static final Pattern PART = Pattern.compile("-(TP|DP|PP|EP)-(\\d+)(?=[-.]|$)");
    private static final Pattern STAGE = Pattern.compile("-(EXTEND|DECODE)(?=\\.trace\\.json\\.gz$)");

    private TraceFileName() {
    }

    /** Whether {@code file} is named like a trace sglang writes. */
    static boolean isTrace(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().endsWith(SUFFIX);
    }

    /** The tensor-parallel rank in the name ({@code -TP-3} gives 3), if there is one. */
    static OptionalInt tensorParallelRank(Path file) {
        Matcher m = PART.matcher(file.getFileName().toString());
        while (m.find()) {
            if (m.group(1).equals("TP")) {
                try {
                    return OptionalInt.of(Integer.parseInt(m.group(2)));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    /** The parallel ranks and stage in the name, for messages: {@code "TP 0, DP 1, EXTEND"}; "" if none. */
    static String describe(Path file) {
        String name = file.getFileName().toString();
        List<String> parts = new ArrayList<>();
        Matcher m = PART.matcher(name);
        while (m.find()) {
            parts.add(m.group(1) + " " + m.group(2));
        }
        Matcher stage = STAGE.matcher(name);
        if (stage.find()) {
            parts.add(stage.group(1));
        }
        return String.join(", ", parts);
    }
}
