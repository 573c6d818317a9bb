package io.flowsim.plugin.kernels;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 16, items 3 and 7: hostile kernel databases. A pattern whose matching time can explode is
 * rejected at load (so {@code kernels check} flags it); one that slips through runs under a step
 * budget and ends the run with one line; a deeply nested file is bad input, not an internal error.
 */
class HostileDatabaseTest {

    @TempDir
    Path dir;

    private static KernelDatabaseReader.Result read(String json) {
        return KernelDatabaseReader.read("db.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(.*a){8}$", "(a+)+b", "(x.*y)*z", "((ab)*c+)+$", "(?:\\\\w+\\\\s?)*$", "([a-z]+)*!"})
    void aPatternWithARepeatedGroupAroundAnUnboundedRepetitionIsRejectedAtLoad(String pattern) {
        KernelDatabaseReader.Result r = read("[{\"name_pattern\": \"" + pattern + "\", \"family\": \"gemm\"}]");
        assertThat(r.problems()).singleElement().asString().contains("db.json").contains("#0")
                .contains("name_pattern").contains("exponential");
        assertThat(r.entries()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"^ampere_.*gemm", "(a|b)+", "cutlass.*_(\\\\d+)x(\\\\d+)", "(ab){2,8}", "[(.*)]+x",
            "\\\\(.*\\\\)+", "gemm_(?:bf16|fp16)_.*_tn$"})
    void ordinaryPatternsStillLoad(String pattern) {
        KernelDatabaseReader.Result r = read("[{\"name_pattern\": \"" + pattern + "\", \"family\": \"gemm\"}]");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void theBundledDatabaseHasNoDangerousPattern() {
        assertThat(KernelDatabase.readBundled().problems()).isEmpty();
    }

    @Test
    void aPatternThatReachesMatchingAnywayEndsWithOneLineWithinItsBudget() {
        // as if a database had bypassed the load-time check: the step budget still bounds the match
        KernelEntry entry = new KernelEntry("my-kernels.json#3", "", Optional.of(Pattern.compile("(.*a){8}$")), "",
                Optional.empty(), Optional.empty(), "", "", "", List.of(), List.of(), Map.of(), false);
        KernelDatabase database = KernelDatabase.of(List.of(new KernelDatabaseReader.Result("my-kernels.json",
                List.of(entry), List.of())));
        String name = "a".repeat(59) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> database.byKernelName(name))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("my-kernels.json#3").hasMessageContaining("(.*a){8}$")
                .hasMessageContaining("aaaa"));
    }

    @Test
    void anOrdinaryMatchIsUnaffectedByTheBudget() {
        String longName = "void cutlass::Kernel2<cutlass_80_wmma_tensorop_bf16_s161616gemm_bf16_32x32_128x1_tn_align8>"
                .repeat(4);
        assertThat(RegexBudget.find(Pattern.compile("cutlass.*_(\\d+)x(\\d+)_.*tn"), longName, "test")).isTrue();
        assertThat(RegexBudget.find(Pattern.compile("^ampere"), longName, "test")).isFalse();
    }

    @Test
    void aDeeplyNestedFileIsBadInputNotAnInternalError() {
        KernelDatabaseReader.Result arrays = read("[".repeat(100_000) + "]".repeat(100_000));
        assertThat(arrays.problems()).singleElement().asString().contains("db.json").contains("nest");
        KernelDatabaseReader.Result objects = read("[{\"params\": " + "{\"a\": ".repeat(200) + "1"
                + "}".repeat(200) + "}]");
        assertThat(objects.problems()).singleElement().asString().contains("db.json").contains("nest");
    }

    /** The object form that carries {@code $schema} (validated by the JSON Schema too) gets the same two checks. */
    @Test
    void theSchemaFormGetsTheSameChecksAndOneLinePerProblem() {
        KernelDatabaseReader.Result dangerous = read("{\"$schema\": \"kernels.schema.json\", \"kernels\": ["
                + "{\"name_pattern\": \"(.*a){8}$\", \"family\": \"gemm\"}]}");
        assertThat(dangerous.problems()).singleElement().asString().contains("db.json").contains("#0")
                .contains("name_pattern").contains("exponential");
        assertThat(dangerous.entries()).isEmpty();

        KernelDatabaseReader.Result nested = read("{\"$schema\": \"kernels.schema.json\", \"kernels\": [{\"params\": "
                + "[".repeat(100_000) + "]".repeat(100_000) + "}]}");
        assertThat(nested.problems()).singleElement().asString().contains("db.json").contains("nest");
    }
}
