package io.flowsim.plugin.pytorch;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counters for the {@link ParseStatistic}s of one parse. Not thread-safe. */
final class ParseCounts {

    private final long[] values = new long[ParseStatistic.values().length];

    void increment(ParseStatistic statistic) {
        values[statistic.ordinal()]++;
    }

    void set(ParseStatistic statistic, long value) {
        values[statistic.ordinal()] = value;
    }

    long get(ParseStatistic statistic) {
        return values[statistic.ordinal()];
    }

    /** Every statistic by key, in declaration order. */
    Map<String, Long> toMap() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (ParseStatistic s : ParseStatistic.values()) {
            map.put(s.key(), values[s.ordinal()]);
        }
        return map;
    }
}
