package io.flowsim.plugin.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The streaming fast path gives the same entries as the tree-and-schema path on valid databases (the
 * bundled one, the original FlowSim's and its unknown list), and gives up, leaving the wording to the
 * schema path, on every hand-made bad database and on the semantic problems a schema cannot see.
 */
class KernelDatabaseStreamReaderTest {

    /** KernelEntry with its patterns as text: Pattern has no equals. */
    private static List<String> comparable(List<KernelEntry> entries) {
        return entries.stream().map(e -> e.toString() + " name_pattern=" + e.namePattern().map(Pattern::pattern)
                + " operator_pattern=" + e.operatorPattern().map(Pattern::pattern)).toList();
    }

    private static void assertSameAsChecked(String origin, byte[] json) {
        KernelDatabaseReader.Result checked = KernelDatabaseReader.readChecked(origin, json);
        assertThat(checked.problems()).isEmpty();
        Optional<List<KernelEntry>> fast = KernelDatabaseStreamReader.read(origin, json);
        assertThat(fast).as("the fast path accepts a valid database").isPresent();
        assertThat(comparable(fast.get())).containsExactlyElementsOf(comparable(checked.entries()));
        assertThat(fast.get()).hasSameSizeAs(checked.entries()).isNotEmpty();
    }

    @Test
    void theBundledDatabaseReadsToTheSameEntries() throws IOException {
        try (InputStream in = KernelDatabase.class.getResourceAsStream(KernelDatabase.BUNDLED_RESOURCE)) {
            assertSameAsChecked("kernels.json", in.readAllBytes());
        }
    }

    @Test
    void theOriginalFlowSimDatabaseAndUnknownListReadToTheSameEntries() throws IOException {
        Path shared = Databases.sharedDir().orElse(null);
        assumeTrue(shared != null, "shared data not available");
        for (String name : List.of("data/flowsim/kernels.json", "data/flowsim/derived/unknown_kernels.json")) {
            Path file = shared.resolve(name);
            assumeTrue(Files.isRegularFile(file), name + " not available");
            assertSameAsChecked(file.toString(), Files.readAllBytes(file));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"attribute-not-a-string.json", "bad-family.json", "bad-operand-transform.json",
            "bad-param-role.json", "blank-input-reference.json", "name-pattern-not-a-string.json",
            "negative-example-dim.json", "object-without-kernels.json", "operand-without-input.json",
            "unknown-entry-field.json"})
    void givesUpOnEveryHandMadeBadDatabase(String fixture) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/hand-made/bad-kernels/" + fixture)) {
            byte[] json = in.readAllBytes();
            assertThat(KernelDatabaseReader.readChecked(fixture, json).problems()).isNotEmpty();
            assertThat(KernelDatabaseStreamReader.read(fixture, json)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{\"kernel_name\": \"a\"}, {\"kernel_name\": \"a\"}]",
            "[{\"kernel_implementation\": \"aten::mm\"}, {\"kernel_implementation\": \"aten::mm\"}]",
            "[{\"name_pattern\": \"(\"}]",
            "[{\"family\": \"gemm\"}]",
            "[{\"kernel_name\": \"a\", \"attributes\": {\"x\": \"@name:1\"}}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"A\", \"input\": 0}, {\"name\": \"A\", \"input\": 1}]}]",
            "[{\"kernel_name\": \"a\", \"kernel_name\": \"b\"}]",
            "[{\"kernel_name\": \"a\"}] []",
            "[{\"kernel_name\": \"a\"}",
            "[{\"kernel_name\": \"a\", \"params\": [{\"role\": \"input\", \"id\": -1}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"list\": \"concat\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"list\": \"all\", \"element\": 0}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"list\": \"all\", "
                    + "\"element_type\": \"@name:1\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"list\": \"all\", "
                    + "\"element_type\": \"quaternion\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"list\": \"every\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"list\": \"concat\", "
                    + "\"dim\": \"last\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": \"*\"}, "
                    + "{\"name\": \"y\", \"input\": \"*\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": \"*\", \"transform\": \"flatten\"}]}]",
            "[{\"kernel_name\": \"a\", \"operands\": [{\"name\": \"x\", \"input\": 0, \"direction\": \"both\"}]}]",
    })
    void givesUpOnWhatOnlyTheCheckedPathWords(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(KernelDatabaseReader.readChecked("db.json", bytes).problems()).isNotEmpty();
        assertThat(KernelDatabaseStreamReader.read("db.json", bytes)).isEmpty();
        assertThat(KernelDatabaseReader.read("db.json", new java.io.ByteArrayInputStream(bytes)).problems())
                .isEqualTo(KernelDatabaseReader.readChecked("db.json", bytes).problems());
    }
}
