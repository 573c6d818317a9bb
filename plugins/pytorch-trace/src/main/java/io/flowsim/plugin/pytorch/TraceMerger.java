package io.flowsim.plugin.pytorch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Merges per-rank traces into one Perfetto-viewable trace. */
final class TraceMerger {

    private TraceMerger() {
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
}
