package io.flowsim.plugin.kernels;

import io.flowsim.api.model.ResolutionSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The prefilter never rules out a pattern that would have been found: over random patterns and
 * texts, over every kernel and operator name of the real traces (and hostile names) against the
 * bundled database, and, at the database level, the first match is the one trying every pattern
 * in order finds.
 */
class PatternPrefilterTest {

    @TempDir
    Path dir;

    /**
     * A user database over the bundled one, written by hand for this test: its patterns overlap the
     * bundled ones (so the later database's entries must come first) and use the syntax the reader
     * declines (inline flags, back references), which must then always run.
     */
    private static final String OVERLAPPING = """
            [
              {"name_pattern": "nvjet_.*_TNT", "family": "gemm", "op_mapping": "user-nvjet"},
              {"name_pattern": "(?i)ELEMENTWISE", "family": "elementwise", "op_mapping": "user-elementwise"},
              {"name_pattern": "(_[a-z])\\\\1", "family": "other", "op_mapping": "user-backreference"},
              {"name_pattern": "^ncclDevKernel_AllReduce", "family": "collective", "op_mapping": "user-allreduce"},
              {"operator_pattern": "^aten::(mm|addmm|bmm)$", "family": "gemm", "op_mapping": "user-mm"}
            ]
            """;

    /** With {@code caseInsensitive}, every other pattern is compiled with {@link Pattern#CASE_INSENSITIVE}. */
    @ParameterizedTest(name = "some case-insensitive: {0}")
    @ValueSource(booleans = {false, true})
    void randomPatternsAreCandidatesForEveryTextTheyAreFoundIn(boolean caseInsensitive) {
        Random random = new Random(20261208L);
        List<Pattern> patterns = new ArrayList<>();
        while (patterns.size() < 800) {
            try {
                int flags = caseInsensitive && patterns.size() % 2 == 0 ? Pattern.CASE_INSENSITIVE : 0;
                patterns.add(Pattern.compile(new RandomRegex(random).alternation(0), flags));
            } catch (PatternSyntaxException e) {
                // the generator may write what Java rejects (a quantified anchor); such a pattern never loads
            }
        }
        PatternPrefilter filter = PatternPrefilter.of(patterns);
        int found = 0;
        int ruledOut = 0;
        for (int t = 0; t < 1500; t++) {
            String text = RandomRegex.text(random);
            BitSet candidates = filter.candidates(text);
            for (int p = 0; p < patterns.size(); p++) {
                if (patterns.get(p).matcher(text).find()) {
                    found++;
                    assertThat(candidates.get(p)).as("'%s' is found in '%s'", patterns.get(p), text).isTrue();
                } else if (!candidates.get(p)) {
                    ruledOut++;
                }
            }
        }
        // neither side is vacuous: many finds to check, many patterns the filter did rule out
        assertThat(found).as("matches checked").isGreaterThan(20_000);
        assertThat(ruledOut).as("pattern and text pairs ruled out").isGreaterThan(20_000);
    }

    @Test
    void everyRealNameFindsWhatTryingEveryPatternFinds() throws IOException {
        List<Path> traces = TraceEvents.realTraces();
        assumeTrue(!traces.isEmpty(), "no traces available (set FLOWSIM_SHARED_DIR)");
        Set<String> kernelNames = new LinkedHashSet<>();
        Set<String> otherNames = new LinkedHashSet<>();
        for (Path trace : traces) {
            for (TraceEvents.Event e : TraceEvents.read(trace)) {
                if (e.name() != null) {
                    ("kernel".equals(e.cat()) ? kernelNames : otherNames).add(e.name());
                }
            }
        }
        List<String> hostile = hostileNames(kernelNames);
        KernelDatabase database = withOverlappingUserDatabase();
        assertThat(kernelNames).hasSizeGreaterThan(500);

        List<Pattern> namePatterns = database.namePatterns().stream().map(e -> e.namePattern().orElseThrow()).toList();
        List<Pattern> operatorPatterns = database.operatorPatterns().stream()
                .map(e -> e.operatorPattern().orElseThrow()).toList();
        PatternPrefilter nameFilter = PatternPrefilter.of(namePatterns);
        PatternPrefilter operatorFilter = PatternPrefilter.of(operatorPatterns);
        int byPattern = 0;
        for (String name : concat(kernelNames, hostile)) {
            BitSet found = assertEveryMatchIsACandidate(namePatterns, nameFilter, name);
            Optional<KernelDatabase.NameMatch> expected = tryingEveryPattern(database, name, found);
            assertThat(database.byKernelName(name)).as(name).isEqualTo(expected);
            if (expected.isPresent() && expected.get().source() == ResolutionSource.NAME_PATTERN) {
                byPattern++;
            }
        }
        for (String name : concat(otherNames, kernelNames, hostile)) {
            assertEveryMatchIsACandidate(operatorPatterns, operatorFilter, name);
        }
        assertThat(byPattern).as("names matched by a pattern").isGreaterThan(200);
    }

    @Test
    void theHeuristicNameRulesFindWhatTryingEveryRuleFinds() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Path trace : TraceEvents.realTraces()) {
            for (TraceEvents.Event e : TraceEvents.read(trace)) {
                if ("kernel".equals(e.cat()) && e.name() != null) {
                    names.add(e.name());
                }
            }
        }
        List<String> all = new ArrayList<>(hostileNames(names));
        names.forEach(n -> {
            all.add(n);
            all.add(n.toUpperCase(java.util.Locale.ROOT));
        });
        all.addAll(List.of("NCCLDEVKERNEL_x", "Gemm", "FLASH_ATTN", "xTriton", "TRITON_poi", "\u212Aernel", "K\u212A"));
        int classified = 0;
        for (String name : all) {
            Optional<FamilyRules.Rule> expected = FamilyRules.nameRules().stream()
                    .filter(r -> r.pattern().matcher(name).find()).map(FamilyRules.NameRule::rule).findFirst();
            assertThat(FamilyRules.byName(name)).as(name).isEqualTo(expected);
            classified += expected.isPresent() ? 1 : 0;
        }
        assertThat(classified).as("names a rule classifies").isGreaterThan(200);
    }

    @Test
    void aMadeUpNameRunsFewOfTheBundledPatterns() {
        KernelDatabase database = KernelDatabase.of(List.of(KernelDatabase.readBundled()));
        List<Pattern> patterns = database.namePatterns().stream().map(e -> e.namePattern().orElseThrow()).toList();
        String name = "void made_up_namespace::synthetic_unknown_kernel_0000042<64, 3, true>"
                + "(made_up_namespace::SyntheticParams<3>, float const*, float*, int, int)";
        assertThat(database.byKernelName(name)).isEmpty();
        assertThat(PatternPrefilter.of(patterns).candidates(name).cardinality())
                .as("of %d patterns", patterns.size()).isLessThan(patterns.size() / 10);
    }

    /** Every pattern found in {@code name} (tried one by one, all of them) is a candidate; returns those found. */
    private static BitSet assertEveryMatchIsACandidate(List<Pattern> patterns, PatternPrefilter filter, String name) {
        BitSet candidates = filter.candidates(name);
        BitSet found = new BitSet();
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(name).find()) {
                found.set(i);
                assertThat(candidates.get(i)).as("'%s' in '%s'", patterns.get(i), name).isTrue();
            }
        }
        return found;
    }

    /**
     * The lookup as it was before the prefilter: the exact name, else the first of every name
     * pattern, in order, that is {@code found} in the name.
     */
    private static Optional<KernelDatabase.NameMatch> tryingEveryPattern(KernelDatabase database, String name,
                                                                        BitSet found) {
        Optional<KernelDatabase.NameMatch> exact = database.byKernelName(name)
                .filter(m -> m.source() == ResolutionSource.EXACT_NAME);
        if (exact.isPresent() || found.isEmpty()) {
            return exact;
        }
        return Optional.of(new KernelDatabase.NameMatch(database.namePatterns().get(found.nextSetBit(0)),
                ResolutionSource.NAME_PATTERN));
    }

    private KernelDatabase withOverlappingUserDatabase() {
        Path user = Databases.write(dir, "overlapping.json", OVERLAPPING);
        KernelDatabaseReader.Result read = KernelDatabase.readFile(user);
        assertThat(read.problems()).isEmpty();
        return KernelDatabase.of(List.of(KernelDatabase.readBundled(), read));
    }

    /**
     * Names made to trouble the filter: empty, very long, metacharacters, surrogates, every
     * required string of every bundled pattern alone and all of them at once, each cut short by one
     * character, and real names reversed, upper-cased and doubled.
     */
    private static List<String> hostileNames(Set<String> real) {
        List<String> out = new ArrayList<>(List.of("", " ", "(", ")*", "\\", "\\Q", ".*", "[]", "\uD83D\uDE00",
                "\uD83D", "\uDE00nccl", "x".repeat(5_000), "nccl".repeat(1_000) + "Kernel_AllReduce",
                "_a_a", "ELEMENTWISE", "Elementwise_kernel", "aten::mm", "aten::mmx"));
        StringBuilder all = new StringBuilder();
        for (KernelEntry e : KernelDatabase.of(List.of(KernelDatabase.readBundled())).namePatterns()) {
            for (String literal : RequiredLiterals.of(e.namePattern().orElseThrow().pattern()).orElse(Set.of())) {
                out.add(literal);
                out.add(literal.substring(0, literal.length() - 1));
                out.add(literal.substring(1));
                all.append(literal);
            }
        }
        out.add(all.toString());
        real.stream().limit(100).forEach(n -> {
            out.add(new StringBuilder(n).reverse().toString());
            out.add(n.toUpperCase(java.util.Locale.ROOT));
            out.add(n + n);
        });
        return out;
    }

    @SafeVarargs
    private static List<String> concat(java.util.Collection<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Collection::stream).collect(Collectors.toList());
    }

    /** Writes random Java regexes over a small alphabet, with the syntax {@link RequiredLiterals} reads and declines. */
    private static final class RandomRegex {
        private static final String[] ATOMS = {"a", "b", "c", "ab", "\\.", ".", "[ab]", "[^a]", "[]a]", "[a[b]]",
                "[\\Q]\\E]", "\\d", "\\w", "\\s", "^", "$", "\\b", "\\B", "\\Qa.\\E", "\\Qab\\E", "\\Q\\E", "]", "}",
                "\\t", "\uD83D\uDE00"};
        /** Atoms the reader declines (a pattern holding one always runs), drawn rarely. */
        private static final String[] DECLINED = {"\\1", "\\x61", "\\u0062", "\\p{Lower}", "\\uD83D\\uDE00"};
        private static final String[] QUANTIFIERS = {"", "", "", "", "?", "*", "+", "{0,2}", "{1,2}", "{2}", "{0}",
                "+?", "*+", "??", "{1,}+"};
        private static final String[] GROUPS = {"(", "(", "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?>", "(?<g%d>"};
        private final Random random;
        private int named;

        RandomRegex(Random random) {
            this.random = random;
        }

        String alternation(int depth) {
            StringBuilder b = new StringBuilder(sequence(depth));
            while (random.nextInt(4) == 0) {
                b.append('|').append(sequence(depth));
            }
            return b.toString();
        }

        private String sequence(int depth) {
            StringBuilder b = new StringBuilder();
            int atoms = random.nextInt(5);
            for (int i = 0; i < atoms; i++) {
                if (depth < 3 && random.nextInt(4) == 0) {
                    String open = GROUPS[random.nextInt(GROUPS.length)];
                    b.append(open.contains("%d") ? String.format(open, named++) : open)
                            .append(alternation(depth + 1)).append(')');
                } else if (random.nextInt(40) == 0) {
                    b.append(random.nextBoolean() ? DECLINED[random.nextInt(DECLINED.length)] : "(?i:a)");
                } else {
                    b.append(ATOMS[random.nextInt(ATOMS.length)]);
                }
                b.append(QUANTIFIERS[random.nextInt(QUANTIFIERS.length)]);
            }
            return b.toString();
        }

        /** A text over the patterns' alphabet, with the characters of their classes and escapes. */
        static String text(Random random) {
            String alphabet = "aabbccAB.]} \t1";
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(10);
            for (int i = 0; i < length; i++) {
                if (random.nextInt(20) == 0) {
                    b.append("\uD83D\uDE00");
                } else {
                    b.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            return b.toString();
        }
    }
}
