package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.DistributedInfo;
import io.flowsim.api.model.ProcessGroup;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the trace-level keys ({@code deviceProperties}, {@code distributedInfo}) into the API's
 * metadata, tolerating what older or post-processed traces leave out or spell differently.
 */
final class TraceMetadataReader {

    /** sglang names per-rank traces {@code <id>-TP-<rank>[-DP-..][-EXTEND].trace.json.gz}. */
    private static final Pattern TP_RANK = Pattern.compile("(?:^|[-_.])TP-(\\d+)(?=$|[-_.])");
    /** Other tools: {@code rank0.json}, {@code sampled_rank-1.json.gz}, {@code trace_rank_3.json}. */
    private static final Pattern RANK = Pattern.compile("(?i)(?:^|[-_.])rank[-_]?(\\d+)(?=$|[-_.])");

    /** sglang's per-stage profiles: {@code <id>-TP-<rank>-EXTEND.trace.json.gz}, {@code ...-DECODE...}. */
    private static final Pattern STAGE = Pattern.compile("(?i)(?:^|[-_.])(EXTEND|PREFILL|DECODE)(?=$|[-_.])");

    private TraceMetadataReader() {
    }

    /** The trace's name: the file name without {@code .gz} and {@code .json}. */
    static String traceName(String fileName) {
        String name = fileName;
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".json")) {
            name = name.substring(0, name.length() - 5);
        }
        return name.isEmpty() ? fileName : name;
    }

    /** The rank a file name states ({@code ...-TP-3...}, {@code ...rank-3...}), if any. */
    static OptionalInt rankFromFileName(String fileName) {
        for (Pattern p : List.of(TP_RANK, RANK)) {
            Matcher m = p.matcher(fileName);
            if (m.find()) {
                try {
                    return OptionalInt.of(Integer.parseInt(m.group(1)));
                } catch (NumberFormatException ignored) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    /** The serving stage a file name states ({@code prefill} for EXTEND/PREFILL, {@code decode}), if any. */
    static Optional<String> stageFromFileName(String fileName) {
        Matcher m = STAGE.matcher(fileName);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1).equalsIgnoreCase("DECODE") ? "decode" : "prefill");
    }

    /** {@code deviceProperties}: one entry per object with at least a name or an id. */
    static List<DeviceInfo> devices(Object value) {
        List<DeviceInfo> devices = new ArrayList<>();
        if (!(value instanceof List<?> list)) {
            return devices;
        }
        int index = 0;
        for (Object o : list) {
            if (o instanceof Map<?, ?> map) {
                Map<String, String> properties = new LinkedHashMap<>();
                map.forEach((k, v) -> {
                    if (v != null && !(v instanceof List) && !(v instanceof Map)) {
                        properties.put(String.valueOf(k), JsonValues.text(v));
                    }
                });
                int id = intValue(map.get("id"), index);
                String name = map.get("name") instanceof String s ? s : "";
                devices.add(new DeviceInfo(id, name, intValue(map.get("numSms"), 0),
                        Math.max(0, integer(map.get("totalGlobalMem")).orElse(0L)),
                        intValue(map.get("computeMajor"), 0),
                        intValue(map.get("computeMinor"), 0), properties));
            }
            index++;
        }
        return devices;
    }

    /** {@code distributedInfo}, in its full (2024+) or short ({@code backend, rank, world_size}) form. */
    static Optional<DistributedInfo> distributed(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return Optional.empty();
        }
        List<ProcessGroup> groups = new ArrayList<>();
        if (map.get("pg_config") instanceof List<?> configs) {
            for (Object o : configs) {
                if (o instanceof Map<?, ?> pg) {
                    List<Integer> ranks = new ArrayList<>();
                    if (pg.get("ranks") instanceof List<?> rs) {
                        for (Object r : rs) {
                            integer(r).ifPresent(v -> ranks.add(v.intValue()));
                        }
                    }
                    groups.add(new ProcessGroup(text(pg.get("pg_name")), text(pg.get("pg_desc")),
                            text(pg.get("backend_config")), intValue(pg.get("pg_size"), ranks.size()), ranks));
                }
            }
        }
        Optional<Long> rank = integer(map.get("rank"));
        Optional<Long> world = integer(map.get("world_size"));
        Object nccl = map.get("nccl_version");
        return Optional.of(new DistributedInfo(text(map.get("backend")),
                rank.map(r -> OptionalInt.of(r.intValue())).orElse(OptionalInt.empty()),
                world.map(w -> OptionalInt.of(w.intValue())).orElse(OptionalInt.empty()), groups,
                nccl == null ? Optional.empty() : Optional.of(JsonValues.text(nccl))));
    }

    private static String text(Object value) {
        return value == null ? "" : JsonValues.text(value);
    }

    private static int intValue(Object value, int otherwise) {
        return integer(value).filter(v -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE).map(Long::intValue)
                .orElse(otherwise);
    }

    /** An integer from a JSON integer, an integral decimal or a numeric string. */
    static Optional<Long> integer(Object value) {
        if (value instanceof Long l) {
            return Optional.of(l);
        }
        if (value instanceof BigDecimal d) {
            java.util.OptionalLong exact = JsonValues.exactLong(d);
            return exact.isPresent() ? Optional.of(exact.getAsLong()) : Optional.empty();
        }
        if (value instanceof String s) {
            try {
                return Optional.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
