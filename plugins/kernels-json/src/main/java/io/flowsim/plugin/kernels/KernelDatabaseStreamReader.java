package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Parameter;

import java.io.IOException;
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
 * The fast path of {@link KernelDatabaseReader}: reads a database with jackson-core's streaming
 * parser alone, without building a tree or running the JSON Schema validator, which cost about a
 * second of CPU in a cold process. It accepts only what it can prove valid: a subset of what the
 * schema and {@link KernelDatabaseReader}'s own checks accept, and gives up on anything else (an
 * unknown field, a wrong type, a bad regular expression, a duplicate, invalid JSON). Then the caller
 * reads the same bytes again through the schema, which words every problem. So a valid database
 * gives the same entries either way, and an invalid one the same messages as before.
 */
final class KernelDatabaseStreamReader {

    /** The same limits and duplicate-key strictness as {@link KernelsJson#MAPPER}, without databind. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(16 << 20)
                    .maxNestingDepth(64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> FAMILIES = Set.of("gemm", "bmm", "attention", "moe", "norm", "elementwise",
            "reduction", "copy", "memset", "collective", "sampling", "other");
    private static final Set<String> ROLES = Set.of("input", "output", "input/output", "N/A", "unknown");

    /** Thrown to give up the fast path; carries no stack trace, it is not an error. */
    private static final class Unsure extends Exception {
        private static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    private KernelDatabaseStreamReader() {
    }

    /** The entries of a database that is valid in every respect, or empty when not sure. */
    static Optional<List<KernelEntry>> read(String origin, byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            List<KernelEntry> entries = new ArrayList<>();
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                readEntries(origin, p, entries);
            } else if (first == JsonToken.START_OBJECT) {
                boolean sawKernels = false;
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (KernelDatabaseReader.KERNELS_FIELD.equals(field) && value == JsonToken.START_ARRAY) {
                        sawKernels = true;
                        readEntries(origin, p, entries);
                    } else if (!(KernelDatabaseReader.SCHEMA_FIELD.equals(field) && value == JsonToken.VALUE_STRING)) {
                        return Optional.empty();
                    }
                }
                if (t != JsonToken.END_OBJECT || !sawKernels) {
                    return Optional.empty();
                }
            } else {
                return Optional.empty();
            }
            if (p.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(entries);
        } catch (Unsure | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void readEntries(String origin, JsonParser p, List<KernelEntry> entries) throws IOException, Unsure {
        Map<String, Integer> exactNames = new HashMap<>();
        Map<String, Integer> operatorOnly = new HashMap<>();
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t == JsonToken.START_OBJECT);
            KernelEntry entry = entry(origin + "#" + index, p);
            if (!entry.kernelName().isEmpty()) {
                expect(exactNames.putIfAbsent(entry.kernelName(), index) == null);
            }
            if (!entry.matchesKernelNames() && !entry.implementation().isEmpty()) {
                expect(operatorOnly.putIfAbsent(entry.implementation(), index) == null);
            }
            entries.add(entry);
            index++;
        }
    }

    /** One entry whose start token has just been read, up to and including its end. */
    private static KernelEntry entry(String reference, JsonParser p) throws IOException, Unsure {
        String kernelName = "";
        String implementation = "";
        String opMapping = "";
        String operation = "";
        String sourceCode = "";
        Optional<Pattern> namePattern = Optional.empty();
        Optional<Pattern> operatorPattern = Optional.empty();
        Optional<OperationFamily> family = Optional.empty();
        List<Parameter> params = new ArrayList<>();
        List<OperandSpec> operands = new ArrayList<>();
        Map<String, String> attributes = new LinkedHashMap<>();
        boolean preferOperator = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "kernel_name" -> kernelName = text(p, v);
                case "kernel_implementation" -> implementation = text(p, v);
                case "op_mapping" -> opMapping = text(p, v);
                case "operation" -> operation = text(p, v);
                case "source_code" -> sourceCode = text(p, v);
                case "call_stack", "notes" -> text(p, v);
                case "name_pattern" -> namePattern = Optional.of(pattern(p, v));
                case "operator_pattern" -> operatorPattern = Optional.of(pattern(p, v));
                case "family" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.VALUE_STRING && FAMILIES.contains(p.getText()));
                        family = Optional.of(OperationFamily.fromId(p.getText()));
                    }
                }
                case "prefer_operator" -> {
                    expect(v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL);
                    preferOperator = v == JsonToken.VALUE_TRUE;
                }
                case "observed" -> {
                    expect(v == JsonToken.START_OBJECT || v == JsonToken.VALUE_NULL);
                    p.skipChildren();
                }
                case "params" -> {
                    if (nullableArray(v)) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            params.add(param(p));
                        }
                    }
                }
                case "operands" -> {
                    if (nullableArray(v)) {
                        Set<String> names = new HashSet<>();
                        boolean everyInput = false;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            OperandSpec o = operand(p);
                            expect(names.add(o.name()));
                            expect(!(everyInput && o.everyInput()));
                            everyInput |= o.everyInput();
                            operands.add(o);
                        }
                    }
                }
                case "attributes" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.START_OBJECT);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            expect(!key.isEmpty() && p.nextToken() == JsonToken.VALUE_STRING);
                            String value = p.getText();
                            expect(!emptyReference(value));
                            attributes.put(key, value);
                        }
                    }
                }
                default -> throw Unsure.INSTANCE;
            }
        }
        expect(p.currentToken() == JsonToken.END_OBJECT);
        expect(!kernelName.isEmpty() || namePattern.isPresent() || !implementation.isEmpty()
                || operatorPattern.isPresent());
        if (namePattern.isEmpty()) {
            for (String value : attributes.values()) {
                expect(!value.startsWith(KernelDatabaseReader.NAME_REFERENCE));
            }
            for (OperandSpec o : operands) {
                expect(o.fieldProblem(false).isEmpty());
            }
        }
        return new KernelEntry(reference, kernelName, namePattern, implementation, operatorPattern, family, opMapping,
                operation, sourceCode, params, operands, attributes, preferOperator);
    }

    private static Parameter param(JsonParser p) throws IOException, Unsure {
        expect(p.currentToken() == JsonToken.START_OBJECT);
        String role = null;
        String description = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        nonNegativeInt(p, v);
                    }
                }
                case "role" -> {
                    expect(v == JsonToken.VALUE_STRING && ROLES.contains(p.getText()));
                    role = p.getText();
                }
                case "example_dim" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        expect("N/A".equals(p.getText()));
                    } else if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.START_ARRAY);
                        dims(p);
                    }
                }
                case "example_dtype" -> text(p, v);
                case "description" -> description = text(p, v);
                default -> throw Unsure.INSTANCE;
            }
        }
        expect(role != null);
        return new Parameter(role, description);
    }

    /** The sizes of an array whose start token has just been read: non-negative integers or arrays of them. */
    private static void dims(JsonParser p) throws IOException, Unsure {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_ARRAY) {
                dims(p);
            } else {
                nonNegativeInt(p, t);
            }
        }
    }

    private static OperandSpec operand(JsonParser p) throws IOException, Unsure {
        expect(p.currentToken() == JsonToken.START_OBJECT);
        String name = null;
        int position = -1;
        String inputName = "";
        boolean sawInput = false;
        OptionalInt element = OptionalInt.empty();
        Direction direction = Direction.INPUT;
        List<OperandSpec.Transform> transforms = new ArrayList<>();
        boolean optional = false;
        String description = "";
        OperandSpec.ListMode list = OperandSpec.ListMode.NONE;
        String dim = "";
        String elementType = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> {
                    expect(v == JsonToken.VALUE_STRING && hasVisibleCharacter(p.getText()));
                    name = p.getText();
                }
                case "input" -> {
                    sawInput = true;
                    if (v == JsonToken.VALUE_STRING) {
                        expect(hasVisibleCharacter(p.getText()));
                        inputName = p.getText();
                    } else {
                        position = nonNegativeInt(p, v);
                    }
                }
                case "element" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        element = OptionalInt.of(nonNegativeInt(p, v));
                    }
                }
                case "direction" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.VALUE_STRING);
                        direction = switch (p.getText()) {
                            case "input" -> Direction.INPUT;
                            case "output" -> Direction.OUTPUT;
                            case "input/output", "input_output" -> Direction.INPUT_OUTPUT;
                            case "unknown" -> Direction.UNKNOWN;
                            default -> throw Unsure.INSTANCE;
                        };
                    }
                }
                case "transform" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        transforms.add(transform(p.getText()));
                    } else if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.START_ARRAY);
                        JsonToken t;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            expect(t == JsonToken.VALUE_STRING);
                            transforms.add(transform(p.getText()));
                        }
                    }
                }
                case "optional" -> {
                    expect(v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL);
                    optional = v == JsonToken.VALUE_TRUE;
                }
                case "description" -> description = text(p, v);
                case "list" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.VALUE_STRING);
                        list = OperandSpec.ListMode.fromId(p.getText());
                        expect(list != null);
                    }
                }
                case "dim" -> {
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        dim = p.getText();
                    } else {
                        dim = text(p, v).trim();
                    }
                }
                case "element_type" -> elementType = text(p, v).trim();
                default -> throw Unsure.INSTANCE;
            }
        }
        expect(name != null && sawInput);
        OperandSpec spec = new OperandSpec(name, position, inputName, element, direction, transforms, optional,
                description, list, dim, elementType);
        // an '@name:' element type is checked against the entry's name_pattern once the entry is read
        expect(spec.fieldProblem(true).isEmpty());
        return spec;
    }

    private static OperandSpec.Transform transform(String id) throws Unsure {
        OperandSpec.Transform t = OperandSpec.Transform.fromId(id);
        expect(t != null);
        return t;
    }

    /** A string or null (as empty). */
    private static String text(JsonParser p, JsonToken v) throws IOException, Unsure {
        if (v == JsonToken.VALUE_NULL) {
            return "";
        }
        expect(v == JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static Pattern pattern(JsonParser p, JsonToken v) throws IOException, Unsure {
        expect(v == JsonToken.VALUE_STRING && !p.getText().isEmpty());
        // a pattern whose matching may take exponential time is refused by the checked path, which words it
        expect(RegexBudget.dangerousRepetition(p.getText()).isEmpty());
        try {
            return Pattern.compile(p.getText());
        } catch (PatternSyntaxException e) {
            throw Unsure.INSTANCE;
        }
    }

    /** Whether an array follows (true) or null (false). */
    private static boolean nullableArray(JsonToken v) throws Unsure {
        expect(v == JsonToken.START_ARRAY || v == JsonToken.VALUE_NULL);
        return v == JsonToken.START_ARRAY;
    }

    /** A JSON integer that fits an int and is at least 0 (1.0 and the like are left to the schema). */
    private static int nonNegativeInt(JsonParser p, JsonToken v) throws IOException, Unsure {
        expect(v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                && p.getIntValue() >= 0);
        return p.getIntValue();
    }

    /** The schema's {@code \S}, conservatively: some character that no definition calls a space. */
    private static boolean hasVisibleCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isAnySpace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code @input:} or {@code @name:} with nothing after it, which the schema rejects (or might). */
    private static boolean emptyReference(String value) {
        String rest;
        if (value.startsWith("@input:")) {
            rest = value.substring("@input:".length());
        } else if (value.startsWith("@name:")) {
            rest = value.substring("@name:".length());
        } else {
            return false;
        }
        return !hasVisibleCharacter(rest);
    }

    private static boolean isAnySpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
    }

    private static void expect(boolean condition) throws Unsure {
        if (!condition) {
            throw Unsure.INSTANCE;
        }
    }
}
