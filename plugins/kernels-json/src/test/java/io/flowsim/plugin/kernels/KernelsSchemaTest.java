package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The published JSON Schema (schema/kernels.schema.json) accepts the project's and the original
 * FlowSim's databases and rejects the hand-made bad databases under
 * src/test/resources/hand-made/bad-kernels (see the README there), naming the broken field.
 */
class KernelsSchemaTest {

    private static JsonNode json(Path file) throws IOException {
        return KernelsJson.MAPPER.readTree(file.toFile());
    }

    @Test
    void theRepositoryKernelsJsonIsValidAndNamesThePublishedSchema() throws IOException {
        Path repo = Databases.repoDir();
        Path kernels = repo.resolve("kernels.json");
        assumeTrue(Files.isRegularFile(kernels), "repository kernels.json not found");
        JsonNode document = json(kernels);
        assertThat(KernelsSchema.get().validateDocument(document)).isEmpty();
        Path schema = kernels.resolveSibling(document.get("$schema").asText());
        assertThat(schema).as("$schema resolves relative to kernels.json").hasBinaryContent(KernelsSchema.get().text());
        assertThat(json(schema).get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(json(schema).get("$id").asText()).isEqualTo(KernelsSchema.ID);
    }

    @Test
    void theOriginalFlowSimDatabaseInItsBareArrayFormIsValid() throws IOException {
        Path original = Databases.sharedDir().map(s -> s.resolve("data/flowsim/kernels.json")).orElse(null);
        assumeTrue(original != null && Files.isRegularFile(original), "original kernels.json not available");
        assertThat(KernelsSchema.get().validateDocument(json(original))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "bad-family.json, kernels[0].family",
            "unknown-entry-field.json, [0].familly",
            "bad-param-role.json, [0].params[0].role",
            "negative-example-dim.json, [0].params[0].example_dim[1]",
            "operand-without-input.json, [0].operands[0].input",
            "bad-operand-transform.json, [0].operands[0].transform",
            "attribute-not-a-string.json, [0].attributes.gemm.splits",
            "blank-input-reference.json, [0].attributes.attention.causal",
            "object-without-kernels.json, kernels",
            "name-pattern-not-a-string.json, [0].name_pattern",
    })
    void rejectsEachHandMadeBadDatabaseNamingTheField(String fixture, String field) throws IOException {
        JsonNode document;
        try (InputStream in = KernelsSchemaTest.class.getResourceAsStream("/hand-made/bad-kernels/" + fixture)) {
            assertThat(in).as(fixture).isNotNull();
            document = KernelsJson.MAPPER.readTree(in);
        }
        assertThat(KernelsSchema.get().validateDocument(document))
                .extracting(KernelsSchema.Violation::field)
                .contains(field);
    }

    @Test
    void ourMessagesUseAKeywordEditorsIgnore() {
        // VS Code takes "errorMessage" as a string that replaces its own message: an object there is
        // shown as "[object Object]"; the validator's wording lives under "x-error-message" instead
        String schema = new String(KernelsSchema.get().text(), StandardCharsets.UTF_8);
        assertThat(schema).doesNotContain("\"errorMessage\"").contains("\"x-error-message\"");
    }

    @Test
    void aValidEntryHasNoViolations() throws IOException {
        JsonNode entry = KernelsJson.MAPPER.readTree("""
                {"kernel_name": "k", "family": "gemm", "params": [{"role": "N/A", "example_dim": "N/A"}],
                 "operands": [{"name": "A", "input": "self", "transform": ["transpose", "flatten"]}],
                 "attributes": {"attention.causal": "@input:4"}}
                """);
        assertThat(KernelsSchema.get().validateEntry(entry)).isEmpty();
    }
}
