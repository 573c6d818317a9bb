package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Parameter;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and validates one kernels.json database, streaming one entry at a time. The file is either
 * an object {@code {"$schema": ..., "kernels": [...]}} or, as in the original FlowSim, a bare array
 * of entries. Each entry is validated against the JSON Schema ({@link KernelsSchema}); this class
 * adds the checks a schema cannot express: regular expressions compile (Java syntax), every entry
 * matches something, kernel names and operator entries are not given twice, operand names are
 * unique, an operand's fields combine ({@link OperandSpec#fieldProblem}), at most one operand takes
 * every input ({@code "*"}), and {@code @name:} references need a {@code name_pattern}. Every problem is one line
 * naming the file, the entry index (0-based, with its line and kernel name when known) and the
 * field; an entry with a problem is left out of the result. A database without problems is read by
 * {@link KernelDatabaseStreamReader} alone, to the same entries, without the cost of the tree model
 * and the schema validator in a cold process.
 */
final class KernelDatabaseReader {

    /** The field of the object form that holds the entries. */
    static final String KERNELS_FIELD = "kernels";
    /** The field of the object form that names the schema, for editors. */
    static final String SCHEMA_FIELD = "$schema";
    /** Attribute values of this form take the concrete value of an operator input. */
    static final String INPUT_REFERENCE = "@input:";
    static final String NAME_REFERENCE = "@name:";

    private KernelDatabaseReader() {
    }

    /** The entries and problems of one database. */
    record Result(String origin, List<KernelEntry> entries, List<String> problems) {
        Result {
            entries = List.copyOf(entries);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Reads a database.
     *
     * @param origin how to name the file in references and messages ({@code kernels.json},
     *               {@code /home/me/my-kernels.json})
     */
    static Result read(String origin, InputStream in) {
        byte[] json;
        try {
            json = in.readAllBytes();
        } catch (IOException e) {
            return new Result(origin, List.of(), List.of(origin + ": cannot read: " + e.getMessage()));
        }
        // a valid database needs neither a tree nor the schema validator; anything else is read
        // again below, so that every problem is worded by the schema and the checks here
        Optional<List<KernelEntry>> valid = KernelDatabaseStreamReader.read(origin, json);
        if (valid.isPresent()) {
            return new Result(origin, valid.get(), List.of());
        }
        return readChecked(origin, json);
    }

    /** Reads a database through the tree model and the schema, wording every problem. */
    static Result readChecked(String origin, byte[] json) {
        List<KernelEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (JsonParser p = KernelsJson.MAPPER.createParser(json)) {
            JsonToken first = p.nextToken();
            boolean closed;
            if (first == JsonToken.START_ARRAY) {
                closed = readEntries(origin, p, entries, problems);
            } else if (first == JsonToken.START_OBJECT) {
                closed = readObject(origin, p, entries, problems);
            } else {
                problems.add(origin + ": expected an object with \"" + KERNELS_FIELD + "\" or an array of kernel "
                        + "entries, found " + (first == null ? "an empty file" : describe(first)));
                return new Result(origin, entries, problems);
            }
            if (closed && p.nextToken() != null) {
                problems.add(origin + ": unexpected content after the kernel entries (line "
                        + p.currentTokenLocation().getLineNr() + ")");
            }
        } catch (StreamConstraintsException e) {
            // Jackson gives no location for a nesting-depth violation
            problems.add(origin + ": nested too deeply or too large for a kernel database" + at(e) + " ("
                    + e.getOriginalMessage() + ")");
        } catch (JsonProcessingException e) {
            problems.add(origin + ": not valid JSON" + at(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            problems.add(origin + ": cannot read: " + e.getMessage());
        }
        return new Result(origin, entries, problems);
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    /** The object form: {@code $schema} (ignored) and {@code kernels}; anything else is a problem. */
    private static boolean readObject(String origin, JsonParser p, List<KernelEntry> entries, List<String> problems)
            throws IOException {
        boolean sawKernels = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            long line = p.currentTokenLocation().getLineNr();
            JsonToken value = p.nextToken();
            if (KERNELS_FIELD.equals(field) && value == JsonToken.START_ARRAY) {
                sawKernels = true;
                if (!readEntries(origin, p, entries, problems)) {
                    return false;
                }
            } else if (SCHEMA_FIELD.equals(field) && value == JsonToken.VALUE_STRING) {
                continue;
            } else {
                problems.add(origin + ": line " + line + ": field '" + field + "': "
                        + (KERNELS_FIELD.equals(field) || SCHEMA_FIELD.equals(field)
                        ? "expected " + (SCHEMA_FIELD.equals(field) ? "a string" : "an array of kernel entries")
                        + ", found " + describe(value)
                        : "unknown field (known fields: " + SCHEMA_FIELD + ", " + KERNELS_FIELD + ")"));
                p.skipChildren();
            }
        }
        if (t == null) {
            problems.add(origin + ": the object is not closed (truncated file?)");
            return false;
        }
        if (!sawKernels && problems.isEmpty()) {
            problems.add(origin + ": missing field '" + KERNELS_FIELD + "' (the array of kernel entries)");
        }
        return true;
    }

    /** The entries of an array whose start token has just been read; false when it is not closed. */
    private static boolean readEntries(String origin, JsonParser p, List<KernelEntry> entries, List<String> problems)
            throws IOException {
        Map<String, Integer> exactNames = new HashMap<>();
        Map<String, Integer> operatorOnly = new HashMap<>();
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                problems.add(origin + ": the array of entries is not closed (truncated file?)");
                return false;
            }
            long line = p.currentTokenLocation().getLineNr();
            JsonNode node = KernelsJson.MAPPER.readTree(p);
            EntryReader r = new EntryReader(origin, index, line, node);
            KernelEntry entry = r.read();
            if (entry != null) {
                if (!entry.kernelName().isEmpty()) {
                    Integer previous = exactNames.putIfAbsent(entry.kernelName(), index);
                    if (previous != null) {
                        r.problem("kernel_name", "duplicate kernel_name, already used by entry #" + previous);
                    }
                }
                if (!entry.matchesKernelNames() && !entry.implementation().isEmpty()) {
                    Integer previous = operatorOnly.putIfAbsent(entry.implementation(), index);
                    if (previous != null) {
                        r.problem("kernel_implementation", "duplicate operator entry for '"
                                + entry.implementation() + "', already given by entry #" + previous);
                    }
                }
            }
            if (r.problems.isEmpty()) {
                entries.add(entry);
            }
            problems.addAll(r.problems);
            index++;
        }
        return true;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    /** Validates one entry against the schema, then checks and converts what the schema cannot. */
    private static final class EntryReader {
        private final String origin;
        private final int index;
        private final long line;
        private final JsonNode node;
        final List<String> problems = new ArrayList<>();

        EntryReader(String origin, int index, long line, JsonNode node) {
            this.origin = origin;
            this.index = index;
            this.line = line;
            this.node = node;
        }

        void problem(String field, String message) {
            StringBuilder b = new StringBuilder(origin).append(": entry #").append(index).append(" (line ").append(line);
            JsonNode name = node.get("kernel_name");
            if (name != null && name.isTextual() && !name.asText().isEmpty()) {
                String n = name.asText();
                b.append(", kernel_name '").append(n.length() > 80 ? n.substring(0, 77) + "..." : n).append('\'');
            }
            b.append(')');
            if (field != null && !field.isEmpty()) {
                b.append(": field '").append(field).append('\'');
            }
            problems.add(b.append(": ").append(message).toString());
        }

        KernelEntry read() {
            for (KernelsSchema.Violation v : KernelsSchema.get().validateEntry(node)) {
                problem(v.field(), v.message());
            }
            // Java regex syntax is ours to check, also beside schema problems
            Optional<Pattern> namePattern = pattern("name_pattern");
            Optional<Pattern> operatorPattern = pattern("operator_pattern");
            if (!problems.isEmpty()) {
                return null;
            }
            String kernelName = text(node, "kernel_name");
            String implementation = text(node, "kernel_implementation");
            if (kernelName.isEmpty() && !node.has("name_pattern") && implementation.isEmpty()
                    && !node.has("operator_pattern")) {
                problem(null, "matches nothing: give kernel_name, name_pattern, kernel_implementation or "
                        + "operator_pattern");
            }
            Optional<OperationFamily> family = node.hasNonNull("family")
                    ? Optional.of(OperationFamily.fromId(node.get("family").asText())) : Optional.empty();
            List<Parameter> params = new ArrayList<>();
            for (JsonNode p : node.path("params")) {
                params.add(new Parameter(p.get("role").asText(), text(p, "description")));
            }
            List<OperandSpec> operands = operands(namePattern.isPresent());
            Map<String, String> attributes = attributes(namePattern.isPresent());
            if (!problems.isEmpty()) {
                return null;
            }
            return new KernelEntry(origin + "#" + index, kernelName, namePattern, implementation, operatorPattern,
                    family, text(node, "op_mapping"), text(node, "operation"), text(node, "source_code"), params,
                    operands, attributes, node.path("prefer_operator").asBoolean(false));
        }

        private static String text(JsonNode object, String field) {
            JsonNode v = object.get(field);
            return v == null || v.isNull() ? "" : v.asText();
        }

        private Optional<Pattern> pattern(String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual()) {
                return Optional.empty();
            }
            try {
                Pattern compiled = Pattern.compile(v.asText());
                Optional<String> danger = RegexBudget.dangerousRepetition(v.asText());
                if (danger.isPresent()) {
                    problem(field, danger.get());
                    return Optional.empty();
                }
                return Optional.of(compiled);
            } catch (PatternSyntaxException e) {
                problem(field, "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
                return Optional.empty();
            }
        }

        private List<OperandSpec> operands(boolean namePattern) {
            List<OperandSpec> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            String everyInput = null;
            JsonNode os = node.path("operands");
            for (int i = 0; i < os.size(); i++) {
                JsonNode o = os.get(i);
                String name = o.get("name").asText();
                if (!names.add(name)) {
                    problem("operands[" + i + "].name", "operand '" + name + "' is given twice");
                    continue;
                }
                JsonNode input = o.get("input");
                OptionalInt element = o.hasNonNull("element") ? OptionalInt.of(o.get("element").asInt())
                        : OptionalInt.empty();
                Direction direction = switch (text(o, "direction")) {
                    case "output" -> Direction.OUTPUT;
                    case "input/output", "input_output" -> Direction.INPUT_OUTPUT;
                    case "unknown" -> Direction.UNKNOWN;
                    default -> Direction.INPUT;
                };
                List<OperandSpec.Transform> transforms = new ArrayList<>();
                JsonNode tr = o.path("transform");
                if (tr.isTextual()) {
                    transforms.add(OperandSpec.Transform.fromId(tr.asText()));
                }
                for (JsonNode item : tr) {
                    transforms.add(OperandSpec.Transform.fromId(item.asText()));
                }
                OperandSpec.ListMode list = o.hasNonNull("list") ? OperandSpec.ListMode.fromId(o.get("list").asText())
                        : OperandSpec.ListMode.NONE;
                JsonNode dim = o.get("dim");
                JsonNode elementType = o.get("element_type");
                OperandSpec spec = new OperandSpec(name, input.isIntegralNumber() ? input.asInt() : -1,
                        input.isTextual() ? input.asText() : "", element, direction, transforms,
                        o.path("optional").asBoolean(false), text(o, "description"), list,
                        dim == null || dim.isNull() ? "" : dim.asText().trim(),
                        elementType == null || elementType.isNull() ? "" : elementType.asText().trim());
                Optional<String[]> fieldProblem = spec.fieldProblem(namePattern);
                if (fieldProblem.isPresent()) {
                    problem("operands[" + i + "]." + fieldProblem.get()[0], fieldProblem.get()[1]);
                    continue;
                }
                if (spec.everyInput()) {
                    if (everyInput != null) {
                        // two would take every input twice, and count each tensor's bytes twice
                        problem("operands[" + i + "].input", "only one operand may take every input ('"
                                + OperandSpec.EVERY_INPUT + "'); operand '" + everyInput + "' already does");
                        continue;
                    }
                    everyInput = name;
                }
                out.add(spec);
            }
            return out;
        }

        private Map<String, String> attributes(boolean hasNamePattern) {
            Map<String, String> out = new LinkedHashMap<>();
            node.path("attributes").fields().forEachRemaining(e -> {
                String value = e.getValue().asText();
                if (value.startsWith(NAME_REFERENCE) && !hasNamePattern) {
                    problem("attributes." + e.getKey(), "'" + value + "' refers to name_pattern, but the entry has none");
                } else {
                    out.put(e.getKey(), value);
                }
            });
            return out;
        }
    }
}
