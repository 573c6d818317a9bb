package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.MergeResult;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class MergeTest {

    @TempDir
    Path dir;

    private static MergeResult merge(List<Path> inputs, Path output) {
        return new PyTorchTraceSource().merge(inputs, output, Traces.context());
    }

    /** The events of a trace file, each as a map of its scalar fields plus "args.*" scalars. */
    private static List<Map<String, Object>> events(Path file) throws IOException {
        List<Map<String, Object>> events = new ArrayList<>();
        try (TraceInput in = TraceInput.open(file); JsonParser p = TraceJson.FACTORY.createParser(in.json())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (!key.equals("traceEvents")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> e = (Map<String, Object>) JsonValues.read(p);
                    events.add(e);
                }
            }
        }
        return events;
    }

    private static Map<String, Object> topLevel(Path file) throws IOException {
        try (TraceInput in = TraceInput.open(file); JsonParser p = TraceJson.FACTORY.createParser(in.json())) {
            p.nextToken();
            Map<String, Object> keys = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("traceEvents")) {
                    p.skipChildren();
                } else {
                    keys.put(key, JsonValues.read(p));
                }
            }
            return keys;
        }
    }

    @Test
    void sampledRanksMergeIntoOneTraceThatParsesWithBothRanks() throws IOException {
        Path rank0 = SharedData.require(SharedData.SAMPLED_RANK0);
        Path rank1 = SharedData.require(SharedData.SAMPLED_RANK1);
        Path merged = dir.resolve("merged.json.gz");
        MergeResult result = merge(List.of(rank1, rank0), merged);
        assertThat(result.inputs()).containsExactly(rank0, rank1);
        assertThat(result.eventCount()).isEqualTo(4855 + 4720);
        try (InputStream in = Files.newInputStream(merged)) {
            assertThat(in.read()).isEqualTo(0x1f); // gzip
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("merged.json.gz");
        }

        Traces.Parsed p = Traces.parse(merged);
        assertThat(p.stat("kernels")).isEqualTo(1154 + 1104);
        assertThat(p.stat("kernels.launch.by_correlation")).isEqualTo(1154 + 1104);
        assertThat(p.stat("kernels.launch.ambiguous_correlation")).isZero();
        assertThat(p.stat("kernels.op.by_nesting")).isEqualTo(1138 + 1088);
        assertThat(p.trace().metadata().properties()).containsEntry("merged_ranks", "0,1");
        assertThat(p.trace().metadata().rank()).isEmpty();

        // every kernel keeps its absolute time and its link
        List<KernelRecord> expected = new ArrayList<>(Traces.parse(rank0).kernels());
        expected.addAll(Traces.parse(rank1).kernels());
        Map<String, Long> startsBefore = new HashMap<>();
        expected.forEach(k -> startsBefore.merge(k.name() + "@" + k.startNs() + "/" + k.operator().map(o -> o.name())
                .orElse("-"), 1L, Long::sum));
        Map<String, Long> startsAfter = new HashMap<>();
        p.kernels().forEach(k -> startsAfter.merge(k.name() + "@" + k.startNs() + "/" + k.operator().map(o -> o.name())
                .orElse("-"), 1L, Long::sum));
        assertThat(startsAfter).isEqualTo(startsBefore);

        // pids of the two ranks do not collide, and both ranks' metadata is kept
        List<Map<String, Object>> events = events(merged);
        Set<Object> pids0 = new HashSet<>();
        Set<Object> pids1 = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            (i < 4855 ? pids0 : pids1).add(events.get(i).get("pid"));
        }
        assertThat(pids0).doesNotContainAnyElementsOf(pids1);
        Map<?, ?> block = (Map<?, ?>) topLevel(merged).get("flowsimMerge");
        List<?> ranks = (List<?>) block.get("ranks");
        assertThat(ranks).hasSize(2);
        for (int k = 0; k < 2; k++) {
            Map<?, ?> rank = (Map<?, ?>) ranks.get(k);
            assertThat(rank.get("rank")).isEqualTo((long) k);
            Map<?, ?> distributed = (Map<?, ?>) ((Map<?, ?>) rank.get("metadata")).get("distributedInfo");
            assertThat(distributed.get("rank")).isEqualTo((long) k);
            assertThat(distributed.get("world_size")).isEqualTo(128L);
        }
    }

    @Test
    void flowIdsAndCorrelationsStayWithinTheirRank() throws IOException {
        byte[] triton = Files.readAllBytes(SharedData.require(SharedData.TRITON_EXAMPLE));
        Path a = Files.write(dir.resolve("job-TP-1.json.gz"), triton);
        Path b = Files.write(dir.resolve("job-TP-0.json.gz"), triton);
        Path merged = dir.resolve("out/merged.json");
        MergeResult result = merge(List.of(a, b), merged);
        assertThat(result.inputs()).containsExactly(b, a);

        List<Map<String, Object>> events = events(merged);
        int perRank = events.size() / 2;
        Map<Object, Integer> flowRank = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Map<String, Object> e = events.get(i);
            if (e.get("id") != null && ("s".equals(e.get("ph")) || "f".equals(e.get("ph")))) {
                Integer before = flowRank.put(e.get("id"), i / perRank);
                assertThat(before == null || before == i / perRank).as("flow %s crosses ranks", e.get("id")).isTrue();
            }
        }
        assertThat(flowRank).isNotEmpty();

        Traces.Parsed p = Traces.parse(merged);
        assertThat(p.kernels()).hasSize(2);
        assertThat(p.stat("kernels.launch.by_correlation")).isEqualTo(2);
        assertThat(p.stat("kernels.launch.ambiguous_correlation")).isZero();
        assertThat(p.stat("kernels.op.by_external_id")).isEqualTo(2);
        assertThat(p.kernels()).allSatisfy(k -> assertThat(k.linkage().operatorLink())
                .isEqualTo(Linkage.OperatorLink.EXTERNAL_ID));
        assertThat(p.kernels().get(0).startNs()).isEqualTo(p.kernels().get(1).startNs());
    }

    @Test
    void ranksWithDifferentTimeBasesAreAligned() throws IOException {
        String json;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(SharedData.require(SharedData.TRITON_EXAMPLE)))) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json).contains("\"baseTimeNanoseconds\": 1727743122000000000");
        Path early = Files.writeString(dir.resolve("t-TP-0.json"), json);
        Path late = Files.writeString(dir.resolve("t-TP-1.json"),
                json.replace("\"baseTimeNanoseconds\": 1727743122000000000", "\"baseTimeNanoseconds\": 1727743125000000123"));
        Path merged = dir.resolve("merged.json");
        merge(List.of(late, early), merged);
        long k0 = Traces.parse(early).kernels().get(0).startNs();
        long k1 = Traces.parse(late).kernels().get(0).startNs();
        assertThat(k1 - k0).isEqualTo(3_000_000_123L);
        List<Long> starts = Traces.parse(merged).kernels().stream().map(KernelRecord::startNs).toList();
        assertThat(starts).containsExactly(k0, k1);
        assertThat(topLevel(merged).get("baseTimeNanoseconds")).isEqualTo(1727743122000000000L);
    }

    @Test
    void ranksInNumericOrderWithoutDistributedInfo() throws IOException {
        String trace = """
                {"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k%s", "pid": 0, "tid": 7, "ts": 10, "dur": 1,
                                  "args": {"correlation": 1}}]}""";
        Path ten = Files.writeString(dir.resolve("run-TP-10.json"), trace.formatted("10"));
        Path two = Files.writeString(dir.resolve("run-TP-2.json"), trace.formatted("2"));
        Path nine = Files.writeString(dir.resolve("run-TP-9.json"), trace.formatted("9"));
        MergeResult result = merge(List.of(ten, two, nine), dir.resolve("all.json"));
        assertThat(result.inputs()).containsExactly(two, nine, ten);
        assertThat(Traces.parse(dir.resolve("all.json")).records()).extracting(KernelRecord::kind)
                .containsOnly(KernelKind.KERNEL).hasSize(3);
        assertThat(TraceMerger.naturalCompare("a-TP-2-x", "a-TP-10-x")).isNegative();
        assertThat(TraceMerger.naturalCompare("rank-3", "rank-03")).isNotZero();
    }

    /**
     * Found by the qa pass (session 14): an --output under a regular file said only "cannot write merged
     * trace f/merged.json: /tmp/.../f" (the path was all the exception's message held).
     */
    @Test
    void anOutputUnderAFileSaysWhy() throws IOException {
        String trace = """
                {"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 10, "dur": 1,
                                  "args": {"correlation": 1}}]}""";
        Path zero = Files.writeString(dir.resolve("r-TP-0.json"), trace);
        Path one = Files.writeString(dir.resolve("r-TP-1.json"), trace);
        Path file = Files.writeString(dir.resolve("f"), "mine");
        Throwable t = catchThrowable(() -> merge(List.of(zero, one), file.resolve("merged.json")));
        assertThat(t).isInstanceOf(FlowsimException.class).hasMessageStartingWith("cannot write merged trace ")
                .hasMessageContaining("exists and is not a directory");
        assertThat(file).hasContent("mine");
    }

    @Test
    void negativeAndPositivePidsOfDifferentRanksStayApart() throws IOException {
        String trace = """
                {"traceEvents": [{"ph": "X", "cat": "cpu_op", "name": "op", "pid": %d, "tid": 1, "ts": 10, "dur": 5}]}""";
        Path zero = Files.writeString(dir.resolve("r-TP-0.json"), trace.formatted(5000));
        Path one = Files.writeString(dir.resolve("r-TP-1.json"), trace.formatted(-5000));
        Path merged = dir.resolve("merged.json");
        merge(List.of(zero, one), merged);
        List<Object> pids = events(merged).stream().filter(e -> "op".equals(e.get("name"))).map(e -> e.get("pid"))
                .toList();
        assertThat(pids).hasSize(2).doesNotHaveDuplicates();
        // pids lie in [-5000, 5000]: a stride of 100,000 (> 2 * 5000) keeps every rank's range apart
        assertThat(TraceMerger.pidStride(5000, 2)).isGreaterThan(2 * 5000L);
        assertThat(TraceMerger.pidStride(4999, 2)).isEqualTo(10_000L);
    }

    @Test
    void aBrokenInputFailsTheMergeAndLeavesNoOutput() throws IOException {
        byte[] real = Files.readAllBytes(SharedData.require(SharedData.SAMPLED_RANK0));
        Path good = Files.write(dir.resolve("good-TP-0.json.gz"), real);
        Path cut = Files.write(dir.resolve("cut-TP-1.json.gz"), java.util.Arrays.copyOf(real, real.length / 2));
        Path merged = dir.resolve("merged.json.gz");
        Throwable t = catchThrowable(() -> merge(List.of(good, cut), merged));
        assertThat(t).isInstanceOf(FlowsimException.class);
        assertThat(((FlowsimException) t).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(t.getMessage()).contains(cut.toString());
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("good-TP-0.json.gz",
                    "cut-TP-1.json.gz");
        }
    }
}
