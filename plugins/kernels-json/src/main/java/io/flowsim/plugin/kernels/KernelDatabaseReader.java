package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Parameter;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and validates one kernels.json database. Every problem is reported as one line naming the
 * file, the entry index (0-based, with its line and kernel name when known) and the field; an
 * entry with a problem is left out of the result.
 */
final class KernelDatabaseReader {

    static final Set<String> ENTRY_FIELDS = Set.of("kernel_name", "name_pattern", "kernel_implementation",
            "operator_pattern", "family", "op_mapping", "operation", "source_code", "call_stack", "params",
            "operands", "attributes", "prefer_operator", "observed", "notes");
    static final Set<String> PARAM_FIELDS = Set.of("id", "role", "example_dim", "example_dtype", "description");
    static final Set<String> OPERAND_FIELDS = Set.of("name", "input", "element", "direction", "transform",
            "optional", "description");
    static final List<String> ROLES = List.of("input", "output", "input/output", "N/A", "unknown");
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
        List<KernelEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (JsonParser p = KernelsJson.MAPPER.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                problems.add(origin + ": expected a JSON array of kernel entries, found "
                        + (first == null ? "an empty file" : describe(first)));
                return new Result(origin, entries, problems);
            }
            Map<String, Integer> exactNames = new HashMap<>();
            Map<String, Integer> operatorOnly = new HashMap<>();
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    problems.add(origin + ": the array of entries is not closed (truncated file?)");
                    break;
                }
                long line = p.currentTokenLocation().getLineNr();
                JsonNode node = KernelsJson.MAPPER.readTree(p);
                EntryValidator v = new EntryValidator(origin, index, line, node);
                KernelEntry entry = v.validate();
                if (entry != null) {
                    if (!entry.kernelName().isEmpty()) {
                        Integer previous = exactNames.putIfAbsent(entry.kernelName(), index);
                        if (previous != null) {
                            v.problem("kernel_name", "duplicate kernel_name, already used by entry #" + previous);
                        }
                    }
                    if (!entry.matchesKernelNames() && !entry.implementation().isEmpty()) {
                        Integer previous = operatorOnly.putIfAbsent(entry.implementation(), index);
                        if (previous != null) {
                            v.problem("kernel_implementation", "duplicate operator entry for '"
                                    + entry.implementation() + "', already given by entry #" + previous);
                        }
                    }
                }
                if (v.problems.isEmpty()) {
                    entries.add(entry);
                }
                problems.addAll(v.problems);
                index++;
            }
            if (t == JsonToken.END_ARRAY && p.nextToken() != null) {
                problems.add(origin + ": unexpected content after the array of entries (line "
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

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    /** Validates one entry, collecting problems. */
    private static final class EntryValidator {
        private final String origin;
        private final int index;
        private final long line;
        private final JsonNode node;
        final List<String> problems = new ArrayList<>();

        EntryValidator(String origin, int index, long line, JsonNode node) {
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
            if (field != null) {
                b.append(": field '").append(field).append('\'');
            }
            problems.add(b.append(": ").append(message).toString());
        }

        KernelEntry validate() {
            if (!node.isObject()) {
                problem(null, "expected an object, found " + kind(node));
                return null;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!ENTRY_FIELDS.contains(f)) {
                    problem(f, "unknown field (known fields: " + String.join(", ", sorted(ENTRY_FIELDS)) + ")");
                }
            }
            String kernelName = text("kernel_name");
            Optional<Pattern> namePattern = pattern("name_pattern");
            String implementation = text("kernel_implementation");
            Optional<Pattern> operatorPattern = pattern("operator_pattern");
            if (kernelName.isEmpty() && node.path("name_pattern").isMissingNode() && implementation.isEmpty()
                    && node.path("operator_pattern").isMissingNode()) {
                problem(null, "matches nothing: give kernel_name, name_pattern, kernel_implementation or "
                        + "operator_pattern");
            }
            Optional<OperationFamily> family = Optional.empty();
            JsonNode f = node.get("family");
            if (f != null && !f.isNull()) {
                if (!f.isTextual()) {
                    problem("family", "expected a string, found " + kind(f));
                } else {
                    try {
                        family = Optional.of(OperationFamily.fromId(f.asText()));
                    } catch (IllegalArgumentException e) {
                        problem("family", "unknown family '" + f.asText() + "' (one of "
                                + familyIds() + ")");
                    }
                }
            }
            String opMapping = text("op_mapping");
            String operation = text("operation");
            String sourceCode = text("source_code");
            text("call_stack");
            text("notes");
            JsonNode observed = node.get("observed");
            if (observed != null && !observed.isNull() && !observed.isObject()) {
                problem("observed", "expected an object, found " + kind(observed));
            }
            List<Parameter> params = params();
            List<OperandSpec> operands = operands();
            Map<String, String> attributes = attributes(node.hasNonNull("name_pattern"));
            boolean preferOperator = false;
            JsonNode po = node.get("prefer_operator");
            if (po != null && !po.isNull()) {
                if (!po.isBoolean()) {
                    problem("prefer_operator", "expected true or false, found " + kind(po));
                } else {
                    preferOperator = po.asBoolean();
                }
            }
            if (!problems.isEmpty()) {
                return null;
            }
            return new KernelEntry(origin + "#" + index, kernelName, namePattern, implementation, operatorPattern,
                    family, opMapping, operation, sourceCode, params, operands, attributes, preferOperator);
        }

        private String text(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return "";
            }
            if (!v.isTextual()) {
                problem(field, "expected a string, found " + kind(v));
                return "";
            }
            return v.asText();
        }

        private Optional<Pattern> pattern(String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return Optional.empty();
            }
            if (!v.isTextual() || v.asText().isEmpty()) {
                problem(field, "expected a non-empty regular expression, found " + kind(v));
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
                problem(field, "not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
                return Optional.empty();
            }
        }

        private List<Parameter> params() {
            JsonNode ps = node.get("params");
            List<Parameter> out = new ArrayList<>();
            if (ps == null || ps.isNull()) {
                return out;
            }
            if (!ps.isArray()) {
                problem("params", "expected an array, found " + kind(ps));
                return out;
            }
            for (int i = 0; i < ps.size(); i++) {
                JsonNode p = ps.get(i);
                String at = "params[" + i + "]";
                if (!p.isObject()) {
                    problem(at, "expected an object, found " + kind(p));
                    continue;
                }
                unknownFields(p, at, PARAM_FIELDS);
                JsonNode id = p.get("id");
                if (id != null && !id.isNull() && !(id.isIntegralNumber() && id.asLong() >= 0)) {
                    problem(at + ".id", "expected a non-negative integer, found " + kind(id));
                }
                JsonNode role = p.get("role");
                String roleText = "";
                if (role == null || role.isNull()) {
                    problem(at + ".role", "missing (one of " + String.join(", ", ROLES) + ")");
                } else if (!role.isTextual() || !ROLES.contains(role.asText())) {
                    problem(at + ".role", "expected one of " + String.join(", ", ROLES) + ", found "
                            + kind(role));
                } else {
                    roleText = role.asText();
                }
                JsonNode dim = p.get("example_dim");
                if (dim != null && !dim.isNull() && !(dim.isTextual() && "N/A".equals(dim.asText()))
                        && !isDims(dim)) {
                    problem(at + ".example_dim", "expected a list of sizes (nested for TensorList), \"N/A\" "
                            + "or null, found " + kind(dim));
                }
                JsonNode dtype = p.get("example_dtype");
                if (dtype != null && !dtype.isNull() && !dtype.isTextual()) {
                    problem(at + ".example_dtype", "expected a string, found " + kind(dtype));
                }
                JsonNode description = p.get("description");
                String descriptionText = "";
                if (description != null && !description.isNull()) {
                    if (!description.isTextual()) {
                        problem(at + ".description", "expected a string, found " + kind(description));
                    } else {
                        descriptionText = description.asText();
                    }
                }
                out.add(new Parameter(roleText, descriptionText));
            }
            return out;
        }

        private static boolean isDims(JsonNode n) {
            if (!n.isArray()) {
                return false;
            }
            for (JsonNode e : n) {
                if (!(e.isIntegralNumber() && e.asLong() >= 0) && !isDims(e)) {
                    return false;
                }
            }
            return true;
        }

        private List<OperandSpec> operands() {
            JsonNode os = node.get("operands");
            List<OperandSpec> out = new ArrayList<>();
            if (os == null || os.isNull()) {
                return out;
            }
            if (!os.isArray()) {
                problem("operands", "expected an array, found " + kind(os));
                return out;
            }
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < os.size(); i++) {
                JsonNode o = os.get(i);
                String at = "operands[" + i + "]";
                if (!o.isObject()) {
                    problem(at, "expected an object, found " + kind(o));
                    continue;
                }
                int before = problems.size();
                unknownFields(o, at, OPERAND_FIELDS);
                JsonNode name = o.get("name");
                if (name == null || !name.isTextual() || name.asText().isBlank()) {
                    problem(at + ".name", "expected a non-empty role name (A, B, q, input, ...)");
                } else if (!names.add(name.asText())) {
                    problem(at + ".name", "operand '" + name.asText() + "' is given twice");
                }
                JsonNode input = o.get("input");
                int inputIndex = -1;
                String inputName = "";
                if (input == null || input.isNull()) {
                    problem(at + ".input", "missing: the operator input by position (0, 1, ...) or by name");
                } else if (input.isIntegralNumber() && input.asInt() >= 0) {
                    inputIndex = input.asInt();
                } else if (input.isTextual() && !input.asText().isBlank()) {
                    inputName = input.asText();
                } else {
                    problem(at + ".input", "expected a non-negative position or an input name, found " + kind(input));
                }
                OptionalInt element = OptionalInt.empty();
                JsonNode el = o.get("element");
                if (el != null && !el.isNull()) {
                    if (el.isIntegralNumber() && el.asInt() >= 0) {
                        element = OptionalInt.of(el.asInt());
                    } else {
                        problem(at + ".element", "expected a non-negative integer, found " + kind(el));
                    }
                }
                Direction direction = Direction.INPUT;
                JsonNode d = o.get("direction");
                if (d != null && !d.isNull()) {
                    direction = switch (d.isTextual() ? d.asText() : "") {
                        case "input" -> Direction.INPUT;
                        case "output" -> Direction.OUTPUT;
                        case "input/output", "input_output" -> Direction.INPUT_OUTPUT;
                        default -> {
                            problem(at + ".direction", "expected input, output or input/output, found " + kind(d));
                            yield Direction.INPUT;
                        }
                    };
                }
                List<OperandSpec.Transform> transforms = new ArrayList<>();
                JsonNode tr = o.get("transform");
                if (tr != null && !tr.isNull()) {
                    List<JsonNode> items = new ArrayList<>();
                    if (tr.isArray()) {
                        tr.forEach(items::add);
                    } else {
                        items.add(tr);
                    }
                    for (JsonNode item : items) {
                        OperandSpec.Transform t = item.isTextual() ? OperandSpec.Transform.fromId(item.asText()) : null;
                        if (t == null) {
                            problem(at + ".transform", "expected one of " + OperandSpec.Transform.ids()
                                    + " (or a list of them), found " + kind(item));
                        } else {
                            transforms.add(t);
                        }
                    }
                }
                boolean optional = false;
                JsonNode opt = o.get("optional");
                if (opt != null && !opt.isNull()) {
                    if (opt.isBoolean()) {
                        optional = opt.asBoolean();
                    } else {
                        problem(at + ".optional", "expected true or false, found " + kind(opt));
                    }
                }
                JsonNode desc = o.get("description");
                if (desc != null && !desc.isNull() && !desc.isTextual()) {
                    problem(at + ".description", "expected a string, found " + kind(desc));
                }
                if (problems.size() == before) {
                    out.add(new OperandSpec(name.asText(), inputIndex, inputName, element, direction, transforms,
                            optional, desc == null || desc.isNull() ? "" : desc.asText()));
                }
            }
            return out;
        }

        private Map<String, String> attributes(boolean hasNamePattern) {
            JsonNode as = node.get("attributes");
            Map<String, String> out = new LinkedHashMap<>();
            if (as == null || as.isNull()) {
                return out;
            }
            if (!as.isObject()) {
                problem("attributes", "expected an object of string values, found " + kind(as));
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = ((ObjectNode) as).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = "attributes." + e.getKey();
                JsonNode v = e.getValue();
                if (e.getKey().isBlank()) {
                    problem("attributes", "an attribute name is empty");
                } else if (!v.isTextual()) {
                    problem(at, "expected a string, found " + kind(v));
                } else if (v.asText().startsWith(INPUT_REFERENCE)
                        && v.asText().substring(INPUT_REFERENCE.length()).isBlank()) {
                    problem(at, "'" + INPUT_REFERENCE + "' needs an input position or name");
                } else if (v.asText().startsWith(NAME_REFERENCE)
                        && v.asText().substring(NAME_REFERENCE.length()).isBlank()) {
                    problem(at, "'" + NAME_REFERENCE + "' needs a group number or name of name_pattern");
                } else if (v.asText().startsWith(NAME_REFERENCE) && !hasNamePattern) {
                    problem(at, "'" + v.asText() + "' refers to name_pattern, but the entry has none");
                } else {
                    out.put(e.getKey(), v.asText());
                }
            }
            return out;
        }

        private void unknownFields(JsonNode object, String at, Set<String> known) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    problem(at + "." + f, "unknown field (known fields: " + String.join(", ", sorted(known)) + ")");
                }
            }
        }

        private static String familyIds() {
            return String.join(", ", java.util.Arrays.stream(OperationFamily.values()).map(OperationFamily::id).toList());
        }

        private static List<String> sorted(Set<String> s) {
            return s.stream().sorted().toList();
        }

        private static String kind(JsonNode n) {
            if (n == null || n.isNull()) {
                return "null";
            }
            if (n.isTextual()) {
                String t = n.asText();
                return "'" + (t.length() > 60 ? t.substring(0, 57) + "..." : t) + "'";
            }
            if (n.isNumber() || n.isBoolean()) {
                return n.asText();
            }
            return n.getNodeType().name().toLowerCase(Locale.ROOT);
        }
    }
}
