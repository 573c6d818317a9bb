package io.flowsim.plugin.kernels;

import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.flowsim.plugin.kernels.Records.kernel;
import static io.flowsim.plugin.kernels.Records.op;
import static io.flowsim.plugin.kernels.Records.tensor;
import static org.assertj.core.api.Assertions.assertThat;

/** Resolution precedence, database overrides and how entries complete each other. */
class KernelsJsonSessionTest {

    @TempDir
    Path dir;

    private static final String PRECEDENCE = """
            [
              {"kernel_name": "nvjet_exact", "family": "gemm", "op_mapping": "exact-op"},
              {"name_pattern": "^nvjet_", "family": "gemm", "op_mapping": "pattern-op"},
              {"name_pattern": "nvjet_.*TNT", "family": "gemm", "op_mapping": "later-pattern-op"},
              {"kernel_implementation": "aten::mm", "family": "gemm", "op_mapping": "matmul",
               "params": [{"role": "input", "description": "self"}, {"role": "input", "description": "mat2"}],
               "operands": [{"name": "A", "input": 0}, {"name": "B", "input": 1}]},
              {"operator_pattern": "^custom::.*_gemm$", "family": "gemm", "op_mapping": "custom-gemm"}
            ]
            """;

    /** The sessions a test opened, closed after it. */
    private final List<KernelsJsonSession> opened = new ArrayList<>();

    @AfterEach
    void closeSessions() {
        opened.forEach(KernelsJsonSession::close);
    }

    /** A session over the given files only, closed after the test. */
    private KernelsJsonSession session(Path... files) {
        KernelsJsonSession s = Databases.session(files);
        opened.add(s);
        return s;
    }

    private ResolvedKernel resolve(KernelsJsonSession s, KernelRecord k) {
        return s.resolve(k).orElseThrow();
    }

    @Test
    void exactNameWinsOverPatternWhichWinsOverOperator() {
        KernelsJsonSession s = session(Databases.write(dir, "db.json", PRECEDENCE));
        var mm = op("aten::mm", tensor("c10::BFloat16", 8, 16), tensor("c10::BFloat16", 16, 32));

        ResolvedKernel exact = resolve(s, kernel("nvjet_exact", mm));
        assertThat(exact.resolution().source()).isEqualTo(ResolutionSource.EXACT_NAME);
        assertThat(exact.opMapping()).isEqualTo("exact-op");
        assertThat(exact.resolution().reference()).startsWith(dir.resolve("db.json") + "#0");

        ResolvedKernel pattern = resolve(s, kernel("nvjet_tst_128x8_TNT", mm));
        assertThat(pattern.resolution().source()).isEqualTo(ResolutionSource.NAME_PATTERN);
        assertThat(pattern.opMapping()).as("first matching pattern in file order").isEqualTo("pattern-op");

        ResolvedKernel byOperator = resolve(s, kernel("some_library_kernel", mm));
        assertThat(byOperator.resolution().source()).isEqualTo(ResolutionSource.OPERATOR);
        assertThat(byOperator.opMapping()).isEqualTo("matmul");
        assertThat(byOperator.family()).isEqualTo(OperationFamily.GEMM);

        ResolvedKernel byOperatorPattern = resolve(s, kernel("k", op("custom::fp4_gemm", tensor("c10::BFloat16", 2, 2))));
        assertThat(byOperatorPattern.resolution().source()).isEqualTo(ResolutionSource.OPERATOR);
        assertThat(byOperatorPattern.opMapping()).isEqualTo("custom-gemm");
    }

    /** Memory does not grow with distinct names: the memos empty when full, and results stay the same. */
    @Test
    void theMemosOfNamesAreBoundedAndEmptyingThemChangesNoResult() {
        KernelsJsonSession s = session(Databases.write(dir, "db.json", PRECEDENCE));
        var mm = op("aten::mm", tensor("c10::BFloat16", 8, 16), tensor("c10::BFloat16", 16, 32));
        ResolvedKernel before = resolve(s, kernel("nvjet_tst_128x8_TNT", mm));
        for (int i = 0; i < KernelsJsonSession.MEMO_LIMIT + 1_000; i++) {
            assertThat(s.resolve(kernel("made_up_" + i, op("custom::op_" + i, tensor("float", 4))))).isEmpty();
            assertThat(s.memoSize()).isLessThanOrEqualTo(2 * KernelsJsonSession.MEMO_LIMIT);
        }
        assertThat(s.memoSize()).as("after emptying").isLessThan(2 * 1_001 + 2);
        ResolvedKernel after = resolve(s, kernel("nvjet_tst_128x8_TNT", mm));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aNameMatchTakesWhatItLacksFromACompatibleOperatorEntry() {
        KernelsJsonSession s = session(Databases.write(dir, "db.json", PRECEDENCE));
        ResolvedKernel k = resolve(s, kernel("nvjet_tst_64x8", op("aten::mm", tensor("c10::BFloat16", 8, 16),
                tensor("c10::BFloat16", 16, 32))));
        assertThat(k.opMapping()).isEqualTo("pattern-op");
        assertThat(k.parameters()).extracting(Parameter::description).containsExactly("self", "mat2");
        assertThat(k.operands()).extracting(o -> o.name() + o.shape()).containsExactly("A[8, 16]", "B[16, 32]");
        assertThat(k.resolution().reference()).contains("#1 + ").contains("#3");
    }

    @Test
    void preferOperatorLetsTheOperatorNameTheOperationOfALibraryKernel() {
        Path db = Databases.write(dir, "db.json", """
                [
                  {"name_pattern": "^nvjet_", "family": "gemm", "op_mapping": "matmul", "prefer_operator": true},
                  {"kernel_implementation": "aten::bmm", "family": "bmm", "op_mapping": "bmm",
                   "operands": [{"name": "A", "input": 0}, {"name": "B", "input": 1}]},
                  {"kernel_implementation": "aten::add", "family": "elementwise", "op_mapping": "add"}
                ]
                """);
        KernelsJsonSession s = session(db);
        ResolvedKernel bmm = resolve(s, kernel("nvjet_x", op("aten::bmm", tensor("c10::BFloat16", 4, 8, 16),
                tensor("c10::BFloat16", 4, 16, 32))));
        assertThat(bmm.resolution().source()).isEqualTo(ResolutionSource.NAME_PATTERN);
        assertThat(bmm.family()).isEqualTo(OperationFamily.BMM);
        assertThat(bmm.opMapping()).isEqualTo("bmm");
        assertThat(bmm.operands()).extracting(o -> o.name() + o.shape()).containsExactly("A[4, 8, 16]", "B[4, 16, 32]");

        ResolvedKernel incompatible = resolve(s, kernel("nvjet_x", op("aten::add", tensor("float", 4))));
        assertThat(incompatible.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(incompatible.opMapping()).as("an elementwise operator does not rename a GEMM kernel")
                .isEqualTo("matmul");
        assertThat(incompatible.resolution().reference()).doesNotContain("#2");

        ResolvedKernel unlinked = resolve(s, kernel("nvjet_x"));
        assertThat(unlinked.opMapping()).isEqualTo("matmul");
        assertThat(unlinked.operands()).isEmpty();
    }

    @Test
    void laterDatabasesOverrideEarlierOnes() {
        Path first = Databases.write(dir, "first.json", """
                [{"kernel_name": "k", "op_mapping": "first-exact"},
                 {"name_pattern": "^p", "op_mapping": "first-pattern"},
                 {"kernel_implementation": "aten::x", "op_mapping": "first-operator"}]
                """);
        Path second = Databases.write(dir, "second.json", """
                [{"kernel_name": "k", "op_mapping": "second-exact"},
                 {"name_pattern": "^pq", "op_mapping": "second-pattern"},
                 {"kernel_implementation": "aten::x", "op_mapping": "second-operator"}]
                """);
        KernelsJsonSession s = session(first, second);
        assertThat(resolve(s, kernel("k")).opMapping()).isEqualTo("second-exact");
        assertThat(resolve(s, kernel("pqr")).opMapping()).isEqualTo("second-pattern");
        assertThat(resolve(s, kernel("pzz")).opMapping()).as("earlier patterns still apply").isEqualTo("first-pattern");
        assertThat(resolve(s, kernel("z", op("aten::x"))).opMapping()).isEqualTo("second-operator");

        KernelsJsonSession reversed = session(second, first);
        assertThat(resolve(reversed, kernel("k")).opMapping()).isEqualTo("first-exact");
        assertThat(resolve(reversed, kernel("pqr")).opMapping()).isEqualTo("first-pattern");
    }

    @Test
    void anExactNameInAnyDatabaseBeatsAPatternInALaterOne() {
        Path first = Databases.write(dir, "first.json", "[{\"kernel_name\": \"pk\", \"op_mapping\": \"exact\"}]");
        Path second = Databases.write(dir, "second.json", "[{\"name_pattern\": \"^p\", \"op_mapping\": \"pattern\"}]");
        assertThat(resolve(session(first, second), kernel("pk")).opMapping()).isEqualTo("exact");
    }

    @Test
    void theCallStackFrameAfterTheLaunchApiIsUsedWhenNoOperatorIsLinked() {
        Path db = Databases.write(dir, "db.json", """
                [{"kernel_implementation": "sgl_kernel::rmsnorm", "family": "norm", "op_mapping": "rms_norm",
                  "operands": [{"name": "input", "input": 1}]},
                 {"kernel_implementation": "<built-in function launch>", "op_mapping": "never"}]
                """);
        KernelsJsonSession s = session(db);
        KernelRecord fromStack = KernelRecord.builder(0, "norm_kernel")
                .callStack(List.of("cudaLaunchKernel", "sgl_kernel::rmsnorm", "layernorm.py(70): forward")).build();
        ResolvedKernel k = resolve(s, fromStack);
        assertThat(k.resolution().source()).isEqualTo(ResolutionSource.OPERATOR);
        assertThat(k.opMapping()).isEqualTo("rms_norm");
        assertThat(k.operands()).as("positions only apply to a linked operator").isEmpty();

        KernelRecord triton = KernelRecord.builder(0, "_some_triton_kernel")
                .callStack(List.of("cuLaunchKernel", "<built-in function launch>", "triton/runtime/jit.py(1): run"))
                .build();
        assertThat(s.resolve(triton)).as("generic launcher frames are never matched").isEmpty();
    }

    @Test
    void heuristicsAreTheLastResortAndSaySo() {
        KernelsJsonSession s = session(Databases.write(dir, "db.json", "[{\"kernel_name\": \"x\"}]"));
        ResolvedKernel gemm = resolve(s, kernel("my_custom_gemm_kernel"));
        assertThat(gemm.resolution().source()).isEqualTo(ResolutionSource.HEURISTIC);
        assertThat(gemm.resolvedByDatabase()).isFalse();
        assertThat(gemm.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(gemm.opMapping()).isEmpty();
        assertThat(gemm.resolution().reference()).isEqualTo("heuristic: gemm");

        KernelRecord comm = KernelRecord.builder(0, "mystery").category(KernelCategory.COMMUNICATION).build();
        assertThat(resolve(s, comm).family()).isEqualTo(OperationFamily.COLLECTIVE);
        KernelRecord memcpy = KernelRecord.builder(0, "Memcpy HtoD (Pinned -> Device)").kind(KernelKind.MEMCPY)
                .category(KernelCategory.MEMORY).build();
        assertThat(resolve(s, memcpy).family()).isEqualTo(OperationFamily.COPY);
        assertThat(s.resolve(kernel("zzz_unknowable"))).isEmpty();
    }

    @Test
    void anEntryWithoutFamilyTakesItFromItsOpMappingThenFromTheName() {
        Path db = Databases.write(dir, "db.json", """
                [{"kernel_name": "a", "op_mapping": "all_reduce"},
                 {"kernel_name": "fused_moe_kernel", "op_mapping": "TBD"},
                 {"kernel_name": "b", "op_mapping": "TBD"}]
                """);
        KernelsJsonSession s = session(db);
        assertThat(resolve(s, kernel("a")).family()).isEqualTo(OperationFamily.COLLECTIVE);
        assertThat(resolve(s, kernel("fused_moe_kernel")).family()).isEqualTo(OperationFamily.MOE);
        ResolvedKernel b = resolve(s, kernel("b"));
        assertThat(b.family()).isEqualTo(OperationFamily.OTHER);
        assertThat(b.resolution().source()).as("still a database answer").isEqualTo(ResolutionSource.EXACT_NAME);
    }

    @Test
    void attributesTakeConcreteInputValues() {
        Path db = Databases.write(dir, "db.json", """
                [{"kernel_implementation": "aten::sdpa", "family": "attention", "op_mapping": "attention",
                  "attributes": {"attention.causal": "@input:3", "attention.phase": "prefill",
                                 "missing": "@input:9"}}]
                """);
        ResolvedKernel k = resolve(session(db), kernel("fmha", op("aten::sdpa", tensor("float", 1),
                tensor("float", 1), tensor("float", 1), Records.scalar("True"))));
        assertThat(k.attributes()).containsEntry("attention.causal", "true").containsEntry("attention.phase", "prefill")
                .doesNotContainKey("missing");
    }

    @Test
    void attributesTakeNamePatternGroups() {
        Path db = Databases.write(dir, "db.json", """
                [{"name_pattern": "cross_device_reduce_(1|2)stage(<[^,<>]*, *(?<ranks>[0-9]+)>)?",
                  "family": "collective", "op_mapping": "all_reduce",
                  "attributes": {"collective.group_size": "@name:ranks", "stages": "@name:1"}}]
                """);
        KernelsJsonSession s = session(db);
        ResolvedKernel eight = resolve(s, kernel("void sglang::cross_device_reduce_2stage<__nv_bfloat16, 8>(int)"));
        assertThat(eight.attributes()).containsEntry("collective.group_size", "8").containsEntry("stages", "2");
        ResolvedKernel bare = resolve(s, kernel("cross_device_reduce_1stage"));
        assertThat(bare.attributes()).containsEntry("stages", "1").doesNotContainKey("collective.group_size");
    }

    @Test
    void lookupsAreDeterministic() {
        KernelsJsonSession s = session(Databases.write(dir, "db.json", PRECEDENCE));
        Optional<ResolvedKernel> a = s.resolve(kernel("nvjet_a_TNT"));
        Optional<ResolvedKernel> b = s.resolve(kernel("nvjet_a_TNT"));
        assertThat(a).isEqualTo(b);
    }
}
