package io.flowsim.plugin.kernels;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.OperationFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Loading and validating databases: every problem names the file, the entry index and the field. */
class KernelDatabaseReaderTest {

    @TempDir
    Path dir;

    private static KernelDatabaseReader.Result read(String json) {
        return KernelDatabaseReader.read("db.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aValidEntryWithEveryFieldLoads() {
        KernelDatabaseReader.Result r = read("""
                [{"kernel_name": "k", "name_pattern": "^k", "kernel_implementation": "aten::mm",
                  "operator_pattern": "^aten::", "family": "gemm", "op_mapping": "matmul", "operation": "C = A @ B",
                  "source_code": "mm(...)", "call_stack": null, "notes": "n", "prefer_operator": true,
                  "params": [{"id": 0, "role": "input", "example_dim": [[2, 3], [4]], "example_dtype": "bf16",
                              "description": "self"},
                             {"role": "N/A", "example_dim": "N/A", "example_dtype": null, "description": null}],
                  "operands": [{"name": "A", "input": 0}, {"name": "B", "input": "mat2", "element": 1,
                                "direction": "input", "transform": ["transpose", "flatten"], "optional": true,
                                "description": "weight"}],
                  "attributes": {"gemm.scaling": "block", "attention.causal": "@input:4"},
                  "observed": {"count": 3}}]
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.entries()).hasSize(1);
        KernelEntry e = r.entries().get(0);
        assertThat(e.reference()).isEqualTo("db.json#0");
        assertThat(e.family()).contains(OperationFamily.GEMM);
        assertThat(e.params()).hasSize(2);
        assertThat(e.operands()).hasSize(2);
        assertThat(e.operands().get(1).transforms()).containsExactly(OperandSpec.Transform.TRANSPOSE,
                OperandSpec.Transform.FLATTEN);
        assertThat(e.operands().get(1).inputName()).isEqualTo("mat2");
        assertThat(e.preferOperator()).isTrue();
    }

    @Test
    void eachBrokenFieldIsReportedWithIndexLineAndField() {
        KernelDatabaseReader.Result r = read("""
                [
                  {"kernel_name": "fine", "op_mapping": "x"},
                  {"kernel_name": "bad", "familly": "gemm"},
                  {"name_pattern": "nvjet_(", "family": "matrix"},
                  {"kernel_name": "roles", "params": [{"role": "inptu", "description": "x"}]},
                  {"op_mapping": "nothing to match"},
                  {"kernel_implementation": "aten::mm", "operands": [{"name": "A"}, {"name": "A", "input": -1}]},
                  {"kernel_name": "attrs", "attributes": {"x": 1, "y": "@input:"}},
                  {"kernel_name": "named", "attributes": {"z": "@name:"}},
                  {"kernel_name": "no pattern", "attributes": {"z": "@name:1"}},
                  {"kernel_implementation": "aten::bmm", "operands": [{"name": "A", "input": 0}, {"name": "A", "input": 1}]}
                ]
                """);
        assertThat(r.entries()).extracting(KernelEntry::kernelName).containsExactly("fine");
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("db.json: entry #1 (line 3, kernel_name 'bad'): field 'familly': unknown field"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("db.json: entry #2 (line 4): field 'name_pattern': not a valid regular expression"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #2").contains("field 'family': does not have a value in the enumeration").contains("gemm", "bmm"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #7").contains("'@name:' a group number or name"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #8").contains("refers to name_pattern, but the entry has none"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #3").contains("field 'params[0].role': does not have a value in the enumeration")
                .contains("input/output"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #4 (line 6): matches nothing"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #5").contains("field 'operands[0].input': required property 'input' not found"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #9").contains("field 'operands[1].name': operand 'A' is given twice"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #5").contains("field 'operands[1].input': expected a non-negative position"));
        assertThat(r.problems()).as("one line per problem").allSatisfy(p -> assertThat(p).doesNotContain("\n"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #6").contains("field 'attributes.x': integer found, string expected"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p)
                .contains("entry #6").contains("field 'attributes.y': '@input:' needs an input position or name"));
    }

    @Test
    void theObjectFormWithSchemaLoadsLikeTheBareArray() {
        KernelDatabaseReader.Result r = read("""
                {"$schema": "schema/kernels.schema.json",
                 "kernels": [{"kernel_name": "k", "family": "gemm"}, {"kernel_implementation": "aten::mm"}]}
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.entries()).extracting(KernelEntry::reference).containsExactly("db.json#0", "db.json#1");
        assertThat(read("{\"kernels\": [{\"kernel_name\": \"k\", \"family\": 1}]}").problems()).containsExactly(
                "db.json: entry #0 (line 1, kernel_name 'k'): field 'family': does not have a value in the "
                        + "enumeration [\"gemm\", \"bmm\", \"attention\", \"moe\", \"norm\", \"elementwise\", \"reduction\", "
                        + "\"copy\", \"memset\", \"collective\", \"sampling\", \"other\", null]");
    }

    @Test
    void listOperandsLoadAndTheirMistakesAreWordedPerField() {
        KernelDatabaseReader.Result ok = read("""
                [{"name_pattern": "Cat<(\\\\d+)>", "kernel_implementation": "aten::cat",
                  "operands": [{"name": "input", "input": 0, "list": "all", "element_type": "@name:1"},
                               {"name": "output", "input": 0, "list": "concat", "dim": "@input:1",
                                "element_type": "bf16", "direction": "output"},
                               {"name": "other", "input": 2, "list": "concat", "dim": -1, "element_type": "4"}]}]
                """);
        assertThat(ok.problems()).isEmpty();
        List<OperandSpec> specs = ok.entries().get(0).operands();
        assertThat(specs).extracting(OperandSpec::list).containsExactly(OperandSpec.ListMode.ALL,
                OperandSpec.ListMode.CONCAT, OperandSpec.ListMode.CONCAT);
        assertThat(specs).extracting(OperandSpec::dim).containsExactly("", "@input:1", "-1");
        assertThat(specs).extracting(OperandSpec::elementType).containsExactly("@name:1", "bf16", "4");

        KernelDatabaseReader.Result bad = read("""
                [{"kernel_name": "a", "operands": [{"name": "x", "input": 0, "list": "concat"}]},
                 {"kernel_name": "b", "operands": [{"name": "x", "input": 0, "list": "all", "element": 1}]},
                 {"kernel_name": "c", "operands": [{"name": "x", "input": 0, "list": "all", "element_type": "@name:1"}]},
                 {"kernel_name": "d", "operands": [{"name": "x", "input": 0, "list": "all", "element_type": "quaternion"}]},
                 {"kernel_name": "e", "operands": [{"name": "x", "input": 0, "dim": 1}]},
                 {"kernel_name": "f", "operands": [{"name": "x", "input": 0, "list": "some"}]},
                 {"kernel_name": "g", "operands": [{"name": "x", "input": 0, "list": "concat", "dim": "last"}]}]
                """);
        assertThat(bad.problems()).hasSize(7);
        assertThat(bad.problems().get(0)).isEqualTo("db.json: entry #0 (line 1, kernel_name 'a'): field "
                + "'operands[0].dim': list 'concat' needs the dimension: a number or '@input:N'");
        assertThat(bad.problems().get(1)).endsWith("field 'operands[0].list': a list mode takes every tensor of the "
                + "list; it cannot be combined with 'element'");
        assertThat(bad.problems().get(2)).endsWith("field 'operands[0].element_type': '@name:1' refers to "
                + "name_pattern, but the entry has none");
        assertThat(bad.problems().get(3)).endsWith("field 'operands[0].element_type': 'quaternion' is neither a "
                + "known type (bf16, float, c10::Half, ...) nor a width of 1, 2, 4 or 8 bytes");
        assertThat(bad.problems().get(4)).endsWith("field 'operands[0].dim': only an operand with list 'concat' "
                + "has a dimension");
        assertThat(bad.problems().get(5)).contains("field 'operands[0].list'");
        assertThat(bad.problems().get(6)).endsWith("field 'operands[0].dim': expected a number or '@input:N'");
    }

    @Test
    void anOperandOfEveryInputLoadsAndItsMistakesAreWordedPerField() {
        KernelDatabaseReader.Result ok = read("""
                [{"name_pattern": "^triton_poi_", "operands": [{"name": "out", "input": 2, "direction": "output"},
                  {"name": "arg", "input": "*", "direction": "unknown", "optional": true}]}]
                """);
        assertThat(ok.problems()).isEmpty();
        OperandSpec every = ok.entries().get(0).operands().get(1);
        assertThat(every.everyInput()).isTrue();
        assertThat(every.direction()).isEqualTo(io.flowsim.api.model.Direction.UNKNOWN);
        assertThat(ok.entries().get(0).operands().get(0).everyInput()).isFalse();

        KernelDatabaseReader.Result bad = read("""
                [{"kernel_name": "a", "operands": [{"name": "x", "input": "*"}, {"name": "y", "input": "*"}]},
                 {"kernel_name": "b", "operands": [{"name": "x", "input": "*", "element": 0}]},
                 {"kernel_name": "c", "operands": [{"name": "x", "input": "*", "transform": "transpose"}]},
                 {"kernel_name": "d", "operands": [{"name": "x", "input": "*", "list": "all"}]},
                 {"kernel_name": "e", "operands": [{"name": "x", "input": "*", "direction": "read or written"}]}]
                """);
        assertThat(bad.entries()).isEmpty();
        assertThat(bad.problems()).hasSize(5);
        assertThat(bad.problems().get(0)).isEqualTo("db.json: entry #0 (line 1, kernel_name 'a'): field "
                + "'operands[1].input': only one operand may take every input ('*'); operand 'x' already does");
        assertThat(bad.problems().get(1)).isEqualTo("db.json: entry #1 (line 2, kernel_name 'b'): field "
                + "'operands[0].element': an operand of every input ('*') takes each tensor input whole, as recorded;"
                + " it cannot be combined with 'element'");
        assertThat(bad.problems().get(2)).endsWith("field 'operands[0].transform': an operand of every input ('*') "
                + "takes each tensor input whole, as recorded; it cannot be combined with 'transform'");
        assertThat(bad.problems().get(3)).contains("entry #3").endsWith("it cannot be combined with 'list'");
        assertThat(bad.problems().get(4)).contains("entry #4").contains("field 'operands[0].direction'")
                .contains("unknown");
    }

    @Test
    void duplicateNamesAndOperatorEntriesAreProblems() {
        KernelDatabaseReader.Result r = read("""
                [{"kernel_name": "k"}, {"kernel_name": "k"},
                 {"kernel_implementation": "aten::mm"}, {"kernel_implementation": "aten::mm"},
                 {"kernel_name": "a", "kernel_implementation": "aten::mm"}]
                """);
        assertThat(r.problems()).containsExactly(
                "db.json: entry #1 (line 1, kernel_name 'k'): field 'kernel_name': duplicate kernel_name, already "
                        + "used by entry #0",
                "db.json: entry #3 (line 2): field 'kernel_implementation': duplicate operator entry for 'aten::mm', "
                        + "already given by entry #2");
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
        KernelDatabaseReader.Result r = read("[\n  {\"kernel_name\": \"a\",}\n]");
        assertThat(r.problems()).singleElement().asString()
                .startsWith("db.json: not valid JSON at line 2, column");
    }

    @Test
    void duplicateKeysAreRejected() {
        KernelDatabaseReader.Result r = read("[{\"kernel_name\": \"a\", \"kernel_name\": \"b\"}]");
        assertThat(r.problems()).singleElement().asString().contains("not valid JSON").contains("kernel_name");
    }

    @Test
    void aRootThatIsNotAnArrayOrATruncatedArrayIsReported() {
        assertThat(read("{\"kernel_name\": \"a\"}").problems()).containsExactly(
                "db.json: line 1: field 'kernel_name': unknown field (known fields: $schema, kernels)");
        assertThat(read("{\"$schema\": \"x.json\"}").problems()).containsExactly(
                "db.json: missing field 'kernels' (the array of kernel entries)");
        assertThat(read("\"kernels\"").problems()).containsExactly(
                "db.json: expected an object with \"kernels\" or an array of kernel entries, found a string");
        assertThat(read("").problems()).containsExactly(
                "db.json: expected an object with \"kernels\" or an array of kernel entries, found an empty file");
        assertThat(read("{\"kernels\": [{\"kernel_name\": \"a\"}]").problems()).singleElement().asString()
                .startsWith("db.json: not valid JSON at line 1");
        assertThat(read("[{\"kernel_name\": \"a\"}").problems()).singleElement().asString().contains("db.json");
        assertThat(read("[] []").problems()).singleElement().asString().contains("unexpected content after");
    }

    @Test
    void openingABrokenUserDatabaseFailsWithBadInputNamingTheFirstProblem() {
        Path broken = Databases.write(dir, "mine.json", "[{\"kernel_name\": \"a\", \"family\": \"matrix\"}, {\"x\": 1}]");
        assertThatThrownBy(() -> Databases.session(broken))
                .isInstanceOf(FlowsimException.class)
                .satisfies(e -> assertThat(((FlowsimException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining(broken + ": entry #0 (line 1, kernel_name 'a'): field 'family'")
                .hasMessageContaining("and 1 more problem;")
                .hasMessageContaining("flowsim kernels check");
    }

    @Test
    void aMissingUserDatabaseIsBadInput() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> Databases.session(missing))
                .isInstanceOf(FlowsimException.class)
                .hasMessage(missing + ": kernel database not found");
    }

    @Test
    void checkReportsEveryProblemAndNothingForAValidFile() {
        Path broken = Databases.write(dir, "broken.json", """
                [{"kernel_name": "a"},
                 {"kernel_name": "b", "params": [{"role": "input", "example_dim": [1, -2]}]}]
                """);
        List<String> problems = new KernelsJsonResolver().check(broken, Databases.context(false));
        assertThat(problems).containsExactly(broken + ": entry #1 (line 2, kernel_name 'b'): field "
                + "'params[0].example_dim[1]': must have a minimum value of 0");
        Path fine = Databases.write(dir, "fine.json", "[{\"kernel_name\": \"a\"}]");
        assertThat(new KernelsJsonResolver().check(fine, Databases.context(false))).isEmpty();
        assertThat(new KernelsJsonResolver().canCheck()).isTrue();
    }

    @Test
    void theBundledDatabaseIsValidAndIsTheRepositoryFile() throws Exception {
        KernelDatabaseReader.Result bundled = KernelDatabase.readBundled();
        assertThat(bundled.problems()).isEmpty();
        assertThat(bundled.entries()).hasSizeGreaterThan(100);
        Path repoFile = Databases.repoDir().resolve("kernels.json");
        assumeTrue(Files.isRegularFile(repoFile), "repository kernels.json not found");
        assertThat(KernelDatabase.readFile(repoFile).entries()).hasSameSizeAs(bundled.entries());
    }

    @Test
    void theOriginalFlowSimDatabaseAndUnknownListLoadUnchanged() {
        Path shared = Databases.sharedDir().orElse(null);
        assumeTrue(shared != null, "shared data not available");
        Path original = shared.resolve("data/flowsim/kernels.json");
        assumeTrue(Files.isRegularFile(original), "original kernels.json not available");
        KernelDatabaseReader.Result r = KernelDatabase.readFile(original);
        assertThat(r.problems()).isEmpty();
        assertThat(r.entries()).hasSize(167);
        KernelDatabaseReader.Result unknown = KernelDatabase.readFile(shared.resolve("data/flowsim/derived/unknown_kernels.json"));
        assertThat(unknown.problems()).isEmpty();
        assertThat(unknown.entries()).hasSize(4);
    }
}
