package io.flowsim.runtime.e2e;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Kernel totals computed directly from a trace file, independently of FlowSim's reader and
 * summary code, to check summary.json against: the sum of durations, the union of kernel
 * intervals per device, and first start to last end.
 */
record TraceFacts(long kernelCount, long kernelTimeNs, long busyTimeNs, long wallTimeNs) {

    private record Interval(long start, long end) {
    }

    static TraceFacts of(Path trace) throws IOException {
        Map<Long, List<Interval>> byDevice = new HashMap<>();
        long count = 0;
        long total = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(trace), 1 << 16), 1 << 16);
             JsonParser p = new JsonFactory().createParser(in)) {
            while (p.nextToken() != null) {
                if (p.currentToken() != JsonToken.FIELD_NAME || !"traceEvents".equals(p.currentName())
                        || !p.getParsingContext().getParent().inRoot()) {
                    continue;
                }
                p.nextToken();
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String cat = null;
                    String ts = null;
                    String dur = "0";
                    long pid = -1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken v = p.nextToken();
                        switch (key) {
                            case "cat" -> cat = p.getValueAsString();
                            case "ts" -> ts = p.getText();
                            case "dur" -> dur = p.getText();
                            case "pid" -> pid = v.isNumeric() ? p.getLongValue() : -1;
                            default -> p.skipChildren();
                        }
                    }
                    if ("kernel".equals(cat) && ts != null) {
                        long start = new BigDecimal(ts).movePointRight(3).longValueExact();
                        long d = new BigDecimal(dur).movePointRight(3).longValueExact();
                        count++;
                        total += d;
                        first = Math.min(first, start);
                        last = Math.max(last, start + d);
                        byDevice.computeIfAbsent(pid, k -> new ArrayList<>()).add(new Interval(start, start + d));
                    }
                }
            }
        }
        long busy = 0;
        for (List<Interval> list : byDevice.values()) {
            list.sort(Comparator.comparingLong(Interval::start));
            long s = Long.MIN_VALUE;
            long e = Long.MIN_VALUE;
            for (Interval i : list) {
                if (i.start() > e) {
                    busy += e - s;
                    s = i.start();
                    e = i.end();
                } else {
                    e = Math.max(e, i.end());
                }
            }
            busy += e - s;
        }
        return new TraceFacts(count, total, busy, count == 0 ? 0 : last - first);
    }
}
