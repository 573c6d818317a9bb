package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kernels.json JSON Schema (draft 2020-12, {@code schema/kernels.schema.json} in the
 * repository, a resource of this plugin) and its validator, the networknt json-schema-validator.
 * The schema checks structure and types; {@link KernelDatabaseReader} adds what a schema cannot
 * express. Immutable and thread-safe once built.
 */
final class KernelsSchema {

    /** The class-path resource beside this class, also written beside {@code unknown_kernels.json}. */
    static final String RESOURCE = "kernels.schema.json";
    /** The schema's {@code $id}. */
    static final String ID = "https://github.com/flowsim/flowsim-jvm/raw/main/schema/kernels.schema.json";

    private static final class Holder {
        static final KernelsSchema INSTANCE = new KernelsSchema();
    }

    private final byte[] text;
    private final Schema document;
    private final Schema entry;

    private KernelsSchema() {
        try (InputStream in = KernelsSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new FlowsimException(ErrorCode.INTERNAL, "the kernels.json schema is missing from the "
                        + "kernels-json plugin");
            }
            text = in.readAllBytes();
        } catch (IOException e) {
            throw new FlowsimException(ErrorCode.INTERNAL, "cannot read the kernels.json schema: " + e.getMessage(), e);
        }
        String schema = new String(text, StandardCharsets.UTF_8);
        // English messages whatever the user's locale; "x-error-message" holds our wording where the
        // library's would name schema internals (anyOf, not). Not "errorMessage": VS Code reads that
        // keyword as a string replacing its own message, and showed our objects as "[object Object]".
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .locale(Locale.ENGLISH)
                .errorMessageKeyword("x-error-message")
                .build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(ID, schema)).schemaRegistryConfig(config));
        document = registry.getSchema(SchemaLocation.of(ID));
        entry = registry.getSchema(SchemaLocation.of(ID + "#/$defs/entry"));
    }

    /** The shared instance (built on first use). */
    static KernelsSchema get() {
        return Holder.INSTANCE;
    }

    /** The schema file's bytes, as published. */
    byte[] text() {
        return text.clone();
    }

    /** One violation: the field path inside the validated node ({@code params[0].role}, or empty) and why. */
    record Violation(String field, String message) {
    }

    /** Validates one entry; at most one violation per field, in the schema's order. */
    List<Violation> validateEntry(JsonNode node) {
        return violations(entry.validate(node));
    }

    /** Validates a whole database document (object or array form). */
    List<Violation> validateDocument(JsonNode node) {
        return violations(document.validate(node));
    }

    private static List<Violation> violations(List<Error> errors) {
        Map<String, Violation> byField = new LinkedHashMap<>();
        for (Error e : errors) {
            String field = field(e.getInstanceLocation());
            String keyword = e.getKeyword();
            if (e.getProperty() != null && ("additionalProperties".equals(keyword) || "required".equals(keyword))) {
                field = field.isEmpty() ? e.getProperty() : field + "." + e.getProperty();
            }
            byField.putIfAbsent(field, new Violation(field, e.getMessage()));
        }
        return new ArrayList<>(byField.values());
    }

    /** {@code $.params[0].role} as {@code params[0].role}. */
    private static String field(NodePath path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                b.append('[').append(index).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(element);
            }
        }
        return b.toString();
    }
}
