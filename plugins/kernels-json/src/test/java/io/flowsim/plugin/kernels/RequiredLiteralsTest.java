package io.flowsim.plugin.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link RequiredLiterals} reads from a pattern, and where it declines to read anything. */
class RequiredLiteralsTest {

    @ParameterizedTest(name = "{0} requires one of {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "^Memcpy; Memcpy",
            "^(nccl|rccl)(Dev)?Kernel_(AllReduce); AllReduce",
            "one_shot_all_reduce|two_shot_all_reduce|multimem; multimem one_shot_all_reduce two_shot_all_reduce",
            "(elementwise_kernel|gpu_kernel_impl|elementwise).*(BitwiseOr|bitwise_or); elementwise elementwise_kernel gpu_kernel_impl",
            "deep_ep::.*dispatch; deep_ep::",
            "^_fwd_(grouped_)?kernel(_stage1)?$; kernel",
            "ab?cd; cd",
            "abc*d; ab",
            "ab+cd; ab",
            "x{0}gemm; gemm",
            "a{1}b; ab",
            "\\Qa.*b\\E; a.*b",
            "\\Qab\\E?xy; xy",
            "cutlass\\:\\:gemm; cutlass::gemm",
            "[]a]bcd; bcd",
            "[a[b]]xy; xy",
            "[\\Q]\\E]xy; xy",
            "\\d+gemm\\w*; gemm",
            "(?<ranks>[0-9]+)rank; rank",
            "(?:abc)+; abc",
            "(?>abc)d; abc",
            "(?=xyzw)abc; abc",
            "(?<!xyzw)ab; ab",
    })
    void readsTheStringsEveryMatchContains(String regex, String expected) {
        assertThat(RequiredLiterals.of(regex)).hasValueSatisfying(set ->
                assertThat(new TreeSet<>(set)).isEqualTo(new TreeSet<>(Arrays.asList(expected.split(" ")))));
    }

    @ParameterizedTest(name = "{0} requires nothing it can read")
    @ValueSource(strings = {
            "", ".*", "a|", "(abc)?", "(abc)*", "(abc){0,3}", "[abc]+", "\\d\\w", "^$",
            "(?i)gemm", "(?i:gemm)", "(?x)g e m m", "(a)\\1", "\\k<x>", "\\p{Lu}gemm", "\\x41gemm", "\\u0041",
            "\\0101", "\\cAgemm", "\\N{LATIN SMALL LETTER A}", "\\b{g}abc", "(?=abc)", "abc)", "x*+*",
            "\uD83D\uDE00?", "gemm|\\d"})
    void declinesWhatItCannotRead(String regex) {
        assertThat(RequiredLiterals.of(regex)).isEmpty();
    }

    @Test
    void declinesDeeplyNestedGroups() {
        assertThat(RequiredLiterals.of("(".repeat(100) + "gemm" + ")".repeat(100))).isEmpty();
        assertThat(RequiredLiterals.of("(".repeat(10) + "gemm" + ")".repeat(10))).contains(Set.of("gemm"));
    }

    @Test
    void aQuantifiedSupplementaryCharacterRequiresNeitherHalf() {
        // the engine repeats the whole code point: 'ab' alone matches "x😀?ab"
        assertThat(RequiredLiterals.of("x\uD83D\uDE00?ab")).hasValueSatisfying(set ->
                assertThat(set).allSatisfy(s -> assertThat(s).doesNotContain("\uD83D", "\uDE00")));
    }

    @Test
    void picksTheSetWithTheLongestShortestString() {
        assertThat(RequiredLiterals.of("ab.cdef.(gh|ijklm)")).contains(Set.of("cdef"));
        assertThat(RequiredLiterals.of("(abc|de).(abc|defgh)")).contains(Set.of("abc", "defgh"));
    }
}
