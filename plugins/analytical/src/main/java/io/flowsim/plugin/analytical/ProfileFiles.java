package io.flowsim.plugin.analytical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads, validates and writes hardware profiles (JSON). Every problem is reported with the file and
 * the field, e.g. {@code a100.json: field 'sm_count' must be a positive integer, got "many"}.
 */
final class ProfileFiles {

    /**
     * The plugin's JSON factory. Profiles are read into a tree with jackson-core's parser and
     * databind's node classes, without an {@code ObjectMapper}: every run reads the bundled
     * profiles, and setting up a mapper cost more CPU than reading them (docs/performance.md,
     * "Cold runs").
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).maxNestingDepth(64).build())
            .build();

    /** The mapper that writes calibrated profiles (calibrate only), built on first use. */
    private static final class Writer {
        static final JsonMapper MAPPER = JsonMapper.builder(FACTORY).enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** The largest figure a profile may give in any field's unit: ten million (TFLOP/s, GB/s, MiB, SMs, ns). */
    static final double LARGEST_FIGURE = 1e7;

    static final List<int[]> DEFAULT_TILES = List.of(new int[] {128, 128}, new int[] {128, 256},
            new int[] {256, 128}, new int[] {64, 128}, new int[] {128, 64}, new int[] {64, 64});

    private static final Set<String> FIELDS = Set.of("format", "id", "name", "aliases", "architecture", "sm_count",
            "boost_clock_mhz", "memory_gib", "peak_tflops", "hbm_bandwidth_gbps", "l2_cache_mib",
            "nvlink_bandwidth_gbps", "nvlink_sharp", "interconnect", "pcie_bandwidth_gbps", "host_link_shared_by",
            "gpus_per_node", "internode_bandwidth_gbps", "dram_latency_ns",
            "launch_overhead_us", "gemm_tiles",
            "efficiency_from", "efficiency", "sources", "calibration", "notes");

    private ProfileFiles() {
    }

    /** A profile with the JSON document it was read from (kept to write calibrated copies). */
    record Loaded(HardwareProfile profile, ObjectNode document) {
    }

    /** Reads the bundled profile resources listed in {@code profiles/index.json}. */
    static List<Loaded> readBundled() {
        List<Loaded> loaded = new ArrayList<>();
        Map<String, HardwareProfile> byId = new LinkedHashMap<>();
        JsonNode index = readResource("profiles/index.json");
        for (JsonNode name : index.path("profiles")) {
            String resource = "profiles/" + name.asText();
            Loaded l = parse(readResource(resource), "bundled profile " + resource, byId::get);
            byId.put(l.profile().id(), l.profile());
            loaded.add(l);
        }
        return loaded;
    }

    private static JsonNode readResource(String resource) {
        try (InputStream in = ProfileFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource " + resource + " is missing from the analytical plugin");
            }
            return readTree(FACTORY.createParser(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled resource " + resource, e);
        }
    }

    /**
     * The first JSON value of a parser as a tree ({@link MissingNode} when there is none), node for
     * node what {@code ObjectMapper.readTree} builds with default settings: int, long or big integer
     * nodes for integers, double nodes for decimals; a key repeated in one object is an error.
     */
    static JsonNode readTree(JsonParser parser) throws IOException {
        try (JsonParser p = parser) {
            JsonToken t = p.nextToken();
            return t == null ? MissingNode.getInstance() : node(p, t);
        }
    }

    private static JsonNode node(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    if (o.has(key)) {
                        // which of two values the user meant is not ours to guess (a copied profile's field
                        // edited below the original, the original still read first)
                        throw new JsonParseException(p, "duplicate field '" + key + "'");
                    }
                    o.set(key, node(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(node(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new JsonParseException(p, "unexpected " + t);
        }
    }

    /** Reads a user's profile file; {@code known} looks up profiles an {@code efficiency_from} may name. */
    static Loaded read(Path file, Function<String, HardwareProfile> known) {
        if (Files.isDirectory(file)) {
            // Jackson would report a directory as a missing file
            throw FlowsimException.badInput("hardware profile " + file + " is a directory, not a profile file;"
                    + " name a profile's JSON file (flowsim calibrate -o writes one)");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // a named pipe without a writer would block the run for ever; a device never ends
            throw FlowsimException.badInput("hardware profile " + file + " is not a regular file (a pipe or a device);"
                    + " name a profile's JSON file");
        }
        JsonNode tree;
        try {
            tree = readTree(FACTORY.createParser(file.toFile()));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw FlowsimException.badInput("hardware profile not found: " + file);
        } catch (JsonProcessingException e) {
            throw FlowsimException.badInput("hardware profile " + file + " is not valid JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot read hardware profile " + file + ": " + e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw FlowsimException.badInput("hardware profile " + file + " is empty");
        }
        return parse(tree, file.toString(), known);
    }

    /** Validates a profile document and builds the profile. */
    static Loaded parse(JsonNode tree, String origin, Function<String, HardwareProfile> known) {
        if (!tree.isObject()) {
            throw bad(origin, "the profile must be a JSON object");
        }
        ObjectNode doc = (ObjectNode) tree;
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw bad(origin, "unknown field '" + f + "' (known fields: " + String.join(", ", sorted(FIELDS)) + ")");
            }
        }
        String id = requiredText(doc, "id", origin);
        if (!id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw bad(origin, "field 'id' must be lower-case letters, digits, '.', '_' or '-', got \"" + id + "\"");
        }
        String name = requiredText(doc, "name", origin);
        List<String> aliases = new ArrayList<>();
        JsonNode aliasNode = doc.path("aliases");
        if (!aliasNode.isMissingNode()) {
            if (!aliasNode.isArray()) {
                throw bad(origin, "field 'aliases' must be an array of strings");
            }
            for (JsonNode a : aliasNode) {
                if (!a.isTextual() || a.asText().isBlank()) {
                    throw bad(origin, "field 'aliases' must hold non-empty strings, got " + a);
                }
                aliases.add(a.asText());
            }
        }
        String architecture = optionalText(doc, "architecture", origin, "");
        int smCount = (int) positive(doc, "sm_count", origin, true);
        if (smCount != doc.path("sm_count").asDouble()) {
            throw bad(origin, "field 'sm_count' must be a positive integer, got " + doc.get("sm_count"));
        }
        Map<String, Double> peaks = new LinkedHashMap<>();
        JsonNode peakNode = doc.path("peak_tflops");
        if (!peakNode.isObject() || peakNode.isEmpty()) {
            throw bad(origin, "field 'peak_tflops' must be an object of dense peaks per precision, e.g. "
                    + "{\"bf16\": 989.4, \"fp8\": 1978.9}");
        }
        for (Map.Entry<String, JsonNode> e : peakNode.properties()) {
            String key = e.getKey();
            if (!HardwareProfile.PRECISIONS.contains(key)) {
                throw bad(origin, "field 'peak_tflops." + e.getKey() + "': unknown precision (known: "
                        + String.join(", ", HardwareProfile.PRECISIONS) + ")");
            }
            if (!e.getValue().isNumber() || e.getValue().asDouble() <= 0) {
                throw bad(origin, "field 'peak_tflops." + e.getKey() + "' must be a positive number, got " + e.getValue());
            }
            atMostLargest("peak_tflops." + e.getKey(), e.getValue(), origin);
            peaks.put(key, e.getValue().asDouble());
        }
        double hbm = positive(doc, "hbm_bandwidth_gbps", origin, true);
        double clock = nonNegative(doc, "boost_clock_mhz", origin);
        double memory = nonNegative(doc, "memory_gib", origin);
        double l2 = nonNegative(doc, "l2_cache_mib", origin);
        double nvlink = nonNegative(doc, "nvlink_bandwidth_gbps", origin);
        double pcie = nonNegative(doc, "pcie_bandwidth_gbps", origin);
        double launch = nonNegative(doc, "launch_overhead_us", origin);
        JsonNode sharp = doc.path("nvlink_sharp");
        if (!sharp.isMissingNode() && !sharp.isBoolean()) {
            throw bad(origin, "field 'nvlink_sharp' must be true or false, got " + sharp);
        }
        String interconnect = optionalText(doc, "interconnect", origin,
                nvlink > 0 ? HardwareProfile.NVSWITCH : HardwareProfile.PCIE);
        if (!HardwareProfile.INTERCONNECTS.contains(interconnect)) {
            throw bad(origin, "field 'interconnect' must be one of " + HardwareProfile.INTERCONNECTS + ", got '"
                    + interconnect + "'");
        }
        double sharedBy = doc.path("host_link_shared_by").isMissingNode() ? 1
                : positive(doc, "host_link_shared_by", origin, true);
        int gpusPerNode = HardwareProfile.DEFAULT_GPUS_PER_NODE;
        if (!doc.path("gpus_per_node").isMissingNode()) {
            JsonNode g = doc.get("gpus_per_node");
            if (!g.canConvertToInt() || !g.isIntegralNumber() || g.asInt() < 1) {
                throw bad(origin, "field 'gpus_per_node' must be a positive integer, got " + g);
            }
            gpusPerNode = g.asInt();
        }
        double internode = nonNegative(doc, "internode_bandwidth_gbps", origin);
        double dramLatency = nonNegative(doc, "dram_latency_ns", origin);
        List<int[]> tiles = new ArrayList<>();
        JsonNode tileNode = doc.path("gemm_tiles");
        if (tileNode.isMissingNode()) {
            tiles.addAll(DEFAULT_TILES);
        } else {
            if (!tileNode.isArray() || tileNode.isEmpty()) {
                throw bad(origin, "field 'gemm_tiles' must be a non-empty array of [rows, columns] pairs");
            }
            for (JsonNode t : tileNode) {
                if (!t.isArray() || t.size() != 2 || !t.get(0).canConvertToInt() || !t.get(1).canConvertToInt()
                        || t.get(0).asInt() < 8 || t.get(1).asInt() < 8) {
                    throw bad(origin, "field 'gemm_tiles' must hold [rows, columns] pairs of integers >= 8, got " + t);
                }
                tiles.add(new int[] {t.get(0).asInt(), t.get(1).asInt()});
            }
        }
        double[] parameters = new double[Param.values().length];
        for (Param p : Param.values()) {
            parameters[p.ordinal()] = p.fallback();
        }
        String from = optionalText(doc, "efficiency_from", origin, null);
        if (from != null) {
            HardwareProfile base = known.apply(from);
            if (base == null) {
                throw bad(origin, "field 'efficiency_from' names '" + from + "', which is not a profile loaded before"
                        + " this one (bundled profiles come first, then --hardware files in order)");
            }
            parameters = base.parameters();
        }
        readEfficiency(doc.path("efficiency"), origin, parameters);
        for (String section : new String[] {"sources", "calibration"}) {
            JsonNode s = doc.path(section);
            if (!s.isMissingNode() && !s.isObject()) {
                throw bad(origin, "field '" + section + "' must be an object of strings");
            }
        }
        HardwareProfile profile = new HardwareProfile(id, name, aliases, architecture, smCount, clock, memory, peaks,
                hbm, l2, nvlink, sharp.asBoolean(false), pcie, launch, tiles, parameters, origin, interconnect,
                sharedBy, gpusPerNode, internode, dramLatency);
        return new Loaded(profile, doc);
    }

    private static void readEfficiency(JsonNode node, String origin, double[] parameters) {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            throw bad(origin, "field 'efficiency' must be an object of sections (gemm, attention_prefill, ...)");
        }
        for (Map.Entry<String, JsonNode> section : node.properties()) {
            if (Param.FitGroup.fromSection(section.getKey()).isEmpty()) {
                List<String> names = new ArrayList<>();
                for (Param.FitGroup g : Param.FitGroup.values()) {
                    names.add(g.section());
                }
                throw bad(origin, "field 'efficiency." + section.getKey() + "': unknown section (known: "
                        + String.join(", ", names) + ")");
            }
            if (!section.getValue().isObject()) {
                throw bad(origin, "field 'efficiency." + section.getKey() + "' must be an object of numbers");
            }
            for (Map.Entry<String, JsonNode> e : section.getValue().properties()) {
                String field = "efficiency." + section.getKey() + "." + e.getKey();
                Param p = Param.find(section.getKey(), e.getKey()).orElseThrow(() -> bad(origin, "field '" + field
                        + "': unknown parameter (known in this section: " + known(section.getKey()) + ")"));
                if (!e.getValue().isNumber()) {
                    throw bad(origin, "field '" + field + "' must be a number, got " + e.getValue());
                }
                double v = e.getValue().asDouble();
                if (v < p.lower() || v > p.upper()) {
                    throw bad(origin, "field '" + field + "' = " + v + " is outside its physical range ["
                            + p.lower() + ", " + p.upper() + "]");
                }
                parameters[p.ordinal()] = v;
            }
        }
    }

    private static String known(String section) {
        List<String> keys = new ArrayList<>();
        for (Param p : Param.values()) {
            if (p.group().section().equals(section)) {
                keys.add(p.key());
            }
        }
        return String.join(", ", keys);
    }

    /** The efficiency object of a profile's parameters, every parameter listed. */
    static ObjectNode efficiencyNode(double[] parameters) {
        ObjectNode efficiency = JsonNodeFactory.instance.objectNode();
        for (Param p : Param.values()) {
            ObjectNode section = efficiency.has(p.group().section()) ? (ObjectNode) efficiency.get(p.group().section())
                    : efficiency.putObject(p.group().section());
            section.put(p.key(), round(parameters[p.ordinal()]));
        }
        return efficiency;
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** Writes a document atomically (a temporary file, then a move), creating its directory. */
    static void write(ObjectNode document, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write hardware profile " + file + ": " + e.getMessage(), e);
        }
        try (AtomicOutput out = AtomicOutput.create(file)) {
            Writer.MAPPER.writeValue(out.temporary().toFile(), document);
            out.commit();
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write hardware profile " + file + ": " + e.getMessage(), e);
        }
    }

    private static String requiredText(ObjectNode doc, String field, String origin) {
        JsonNode n = doc.get(field);
        if (n == null) {
            throw bad(origin, "missing field '" + field + "'");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw bad(origin, "field '" + field + "' must be a non-empty string, got " + n);
        }
        return n.asText().trim();
    }

    private static String optionalText(ObjectNode doc, String field, String origin, String fallback) {
        JsonNode n = doc.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw bad(origin, "field '" + field + "' must be a string, got " + n);
        }
        return n.asText().trim();
    }

    private static double positive(ObjectNode doc, String field, String origin, boolean required) {
        JsonNode n = doc.get(field);
        if (n == null) {
            if (required) {
                throw bad(origin, "missing field '" + field + "'");
            }
            return 0;
        }
        if (!n.isNumber() || n.asDouble() <= 0) {
            throw bad(origin, "field '" + field + "' must be a positive number, got " + n);
        }
        atMostLargest(field, n, origin);
        return n.asDouble();
    }

    private static double nonNegative(ObjectNode doc, String field, String origin) {
        JsonNode n = doc.get(field);
        if (n == null) {
            return 0;
        }
        if (!n.isNumber() || n.asDouble() < 0) {
            throw bad(origin, "field '" + field + "' must be a number >= 0, got " + n);
        }
        atMostLargest(field, n, origin);
        return n.asDouble();
    }

    /**
     * A figure of a GPU (a peak, a bandwidth, a size, a count, a latency) beyond {@link #LARGEST_FIGURE} in its
     * unit describes no GPU: a typo or a hostile file. Left in, it would reach the outputs as Infinity (1e308 GB/s
     * is an infinite byte rate) or make every kernel free.
     */
    private static void atMostLargest(String field, JsonNode n, String origin) {
        if (n.asDouble() > LARGEST_FIGURE) {
            throw bad(origin, "field '" + field + "' must be at most " + (long) LARGEST_FIGURE
                    + " (far beyond any GPU's), got " + n);
        }
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }

    private static FlowsimException bad(String origin, String message) {
        return FlowsimException.badInput("hardware profile " + origin + ": " + message);
    }
}
