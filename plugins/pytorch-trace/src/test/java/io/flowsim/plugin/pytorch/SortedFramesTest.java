package io.flowsim.plugin.pytorch;

import io.flowsim.api.Progress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of spilled frames. Real traces up to the H200 one fit a single in-memory run, so the
 * merge of the spill's natural runs and the on-disk runs of the external sort (sorted and written
 * on a second thread) are checked here with tiny run limits against a plain in-memory sort of the
 * same frames.
 */
class SortedFramesTest {

    private static final int THREADS = 4;

    @Test
    void runsOnDiskMergeToTheSameOrderAsOneInMemorySort() throws IOException {
        // each run is a file that the merge keeps open: a few dozen runs at most, as at 2 GB
        assertMergedOrder(40, 1, Long.MAX_VALUE);
        assertMergedOrder(3_000, 97, Long.MAX_VALUE);
        assertMergedOrder(3_000, 1_000, Long.MAX_VALUE);
        assertMergedOrder(3_000, 2_999, Long.MAX_VALUE);
    }

    @Test
    void theArgumentByteLimitAlsoCutsRuns() throws IOException {
        assertMergedOrder(3_000, Integer.MAX_VALUE, 2_000);
    }

    @Test
    void naturalRunsMergeToTheSameOrderAsOneInMemorySort() throws IOException {
        // random frames: hundreds of short natural runs per thread, many ties
        NameTable names = new NameTable();
        List<Frame> written = randomFrames(names, 3_000, new Random(11));
        try (CpuEventSpill spill = spill(written)) {
            assertThat(spill.mostRunsOfAThread()).isGreaterThan(100);
            List<Frame> expected = new ArrayList<>(written);
            expected.sort(Frame.WALK_ORDER);
            assertSameFrames(mergedIds(spill, names, 1, Long.MAX_VALUE, Integer.MAX_VALUE, thread -> true, f -> true),
                    expected);
        }
    }

    @Test
    void aProfilersBlocksPerThreadAreMergedAsNaturalRunsAcrossManySpillBlocks() throws IOException {
        // each thread's frames as a few stretches in start order (operators, then python functions,
        // per profiled step), the threads interleaved in the file, args large enough (one larger than
        // a spill block) that each thread's frames fill many blocks
        NameTable names = new NameTable();
        Random random = new Random(5);
        int stretches = 6;
        List<List<Frame>> perThread = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            perThread.add(new ArrayList<>());
            for (int stretch = 0; stretch < stretches; stretch++) {
                long ts = stretch / 2 * 1_000_000L + (stretch % 2) * 7;
                long dur = 100;
                for (int i = 0; i < 2_000; i++) {
                    long step = random.nextInt(3) * 50L;
                    ts += step;
                    // at an equal start the longer span comes first, as in walk order
                    dur = step == 0 ? random.nextInt((int) dur + 1) : random.nextInt(4) * 25L;
                    boolean withArgs = stretch % 2 == 0 && random.nextInt(4) == 0;
                    int argLength = t == 1 && stretch == 2 && i == 10 ? CpuEventSpill.BLOCK + 5_000 : random.nextInt(600);
                    long externalId = withArgs ? random.nextInt(1000) : Ids.NONE;
                    byte[] args = withArgs ? ("{\"pad\":\"" + "y".repeat(argLength) + "\"}").getBytes(StandardCharsets.UTF_8) : null;
                    int name = names.id("f" + random.nextInt(30));
                    // the ordinal (file position) is set below
                    perThread.get(t).add(new Frame(withArgs ? EventKind.CPU_OP : EventKind.PYTHON_FUNCTION, name,
                            names.name(name), t, ts, dur, 0, externalId, args, null));
                }
            }
        }
        // the file interleaves the threads in chunks, each thread's frames in their stretch order
        List<Frame> written = new ArrayList<>();
        int[] next = new int[THREADS];
        boolean more = true;
        while (more) {
            more = false;
            for (int t = 0; t < THREADS; t++) {
                List<Frame> frames = perThread.get(t);
                for (int k = 0; k < 37 && next[t] < frames.size(); k++) {
                    Frame f = frames.get(next[t]++);
                    int ordinal = written.size();
                    written.add(new Frame(f.kind, f.nameId, f.name, f.thread, f.tsNs, f.durNs, ordinal, f.externalId,
                            f.args, f.args == null ? null : new EventLocation(ordinal, 10L * ordinal, ordinal, 3)));
                }
                more |= next[t] < frames.size();
            }
        }
        try (CpuEventSpill spill = spill(written)) {
            // a step's python functions run on into the next step's operators: s0 | s1 s2 | s3 s4 | s5
            assertThat(spill.mostRunsOfAThread()).isEqualTo(stretches / 2 + 1);
            assertThat(spill.frames()).isEqualTo(written.size());
            List<Frame> expected = new ArrayList<>(written);
            expected.sort(Frame.WALK_ORDER);
            assertSameFrames(mergedIds(spill, names, 1_000, Long.MAX_VALUE, SortedFrames.MAX_NATURAL_RUNS,
                    thread -> true, f -> true), expected);
            // and the external sort, from the same spill, agrees
            assertSameFrames(mergedIds(spill, names, 1_000, Long.MAX_VALUE, 0, thread -> true, f -> true), expected);
        }
    }

    @Test
    void framesOfRejectedThreadsAndRejectedFramesAreLeftOut() throws IOException {
        NameTable names = new NameTable();
        List<Frame> written = randomFrames(names, 3_000, new Random(7));
        try (CpuEventSpill spill = spill(written)) {
            List<Frame> merged = mergedIds(spill, names, 101, Long.MAX_VALUE, 0, thread -> thread != 2, f -> f.durNs % 5 != 0);
            List<Frame> mergedFromNaturalRuns = mergedIds(spill, names, 101, Long.MAX_VALUE, Integer.MAX_VALUE,
                    thread -> thread != 2, f -> f.durNs % 5 != 0);
            List<Frame> expected = new ArrayList<>();
            for (Frame f : written) {
                boolean threadKept = f.thread != 2 || Ids.present(f.externalId);
                if (threadKept && f.durNs % 5 != 0) {
                    expected.add(f);
                }
            }
            expected.sort(Frame.WALK_ORDER);
            assertThat(merged).isNotEmpty();
            assertSameFrames(merged, expected);
            assertSameFrames(mergedFromNaturalRuns, expected);
        }
    }

    @Test
    void theWalkOrderIsByThreadThenStartThenLongerFirstThenFileOrder() {
        NameTable names = new NameTable();
        List<Frame> frames = randomFrames(names, 3_000, new Random(3));
        List<Frame> byMethod = new ArrayList<>(frames);
        byMethod.sort(Frame.WALK_ORDER);
        List<Frame> bySpelledOut = new ArrayList<>(frames);
        bySpelledOut.sort(java.util.Comparator.comparingInt((Frame f) -> f.thread)
                .thenComparingLong(f -> f.tsNs)
                .thenComparing(java.util.Comparator.comparingLong((Frame f) -> f.durNs).reversed())
                .thenComparingLong(f -> f.ordinal));
        assertThat(byMethod).containsExactlyElementsOf(bySpelledOut);
    }

    private static void assertMergedOrder(int count, int runFrames, long runArgBytes) throws IOException {
        NameTable names = new NameTable();
        List<Frame> written = randomFrames(names, count, new Random(runFrames));
        try (CpuEventSpill spill = spill(written)) {
            List<Frame> merged = mergedIds(spill, names, runFrames, runArgBytes, 0, thread -> true, f -> true);
            List<Frame> expected = new ArrayList<>(written);
            expected.sort(Frame.WALK_ORDER);
            assertSameFrames(merged, expected);
        }
    }

    /** The frames in walk order; {@code maxNaturalRuns} 0 takes the external sort whenever the frames do not fit one run. */
    private static List<Frame> mergedIds(CpuEventSpill spill, NameTable names, int runFrames, long runArgBytes,
                                         int maxNaturalRuns, java.util.function.IntPredicate keepThread,
                                         java.util.function.Predicate<Frame> keep) throws IOException {
        List<Frame> merged = new ArrayList<>();
        try (SortedFrames sorted = SortedFrames.sort(spill, names, keepThread, keep, Progress.none(), runFrames, runArgBytes,
                maxNaturalRuns);
             SortedFrames.Merged frames = sorted.frames()) {
            frames.forEachRemaining(merged::add);
        }
        return merged;
    }

    private static void assertSameFrames(List<Frame> actual, List<Frame> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Frame a = actual.get(i);
            Frame e = expected.get(i);
            assertThat(a.ordinal).as("frame %d", i).isEqualTo(e.ordinal);
            assertThat(a.thread).isEqualTo(e.thread);
            assertThat(a.tsNs).isEqualTo(e.tsNs);
            assertThat(a.durNs).isEqualTo(e.durNs);
            assertThat(a.kind).isEqualTo(e.kind);
            assertThat(a.name).isEqualTo(e.name);
            assertThat(a.externalId).isEqualTo(e.externalId);
            assertThat(a.args).isEqualTo(e.args);
            if (e.location != null) {
                assertThat(a.location.offset()).isEqualTo(e.location.offset());
                assertThat(a.location.line()).isEqualTo(e.location.line());
                assertThat(a.location.column()).isEqualTo(e.location.column());
            }
        }
    }

    /**
     * Frames with few distinct start times (so ties on start and duration are common and the file
     * order decides), some with operator args, on a few threads, with negative and large values.
     */
    private static List<Frame> randomFrames(NameTable names, int count, Random random) {
        List<Frame> frames = new ArrayList<>(count);
        EventKind[] kinds = {EventKind.PYTHON_FUNCTION, EventKind.CPU_OP, EventKind.USER_ANNOTATION, EventKind.OTHER};
        for (int i = 0; i < count; i++) {
            EventKind kind = kinds[random.nextInt(kinds.length)];
            int name = names.id("frame " + random.nextInt(50));
            long ts = random.nextInt(10) == 0 ? Long.MAX_VALUE / 2 - random.nextInt(3) : random.nextInt(400) - 20;
            long dur = random.nextInt(6);
            boolean withArgs = kind == EventKind.CPU_OP && random.nextBoolean();
            long externalId = withArgs || random.nextInt(8) == 0 ? random.nextInt(1000) : Ids.NONE;
            byte[] args = withArgs ? ("{\"External id\":" + externalId + ",\"pad\":\"" + "x".repeat(random.nextInt(40)) + "\"}")
                    .getBytes(StandardCharsets.UTF_8) : null;
            EventLocation location = withArgs ? new EventLocation(i, 1000L * i, i + 1, 7) : null;
            frames.add(new Frame(kind, name, names.name(name), random.nextInt(THREADS), ts, dur, i, externalId, args, location));
        }
        return frames;
    }

    private static CpuEventSpill spill(List<Frame> frames) throws IOException {
        CpuEventSpill spill = new CpuEventSpill();
        for (Frame f : frames) {
            spill.writeFrame(f);
            if (f.ordinal % 97 == 0) {
                // flows are in the same file and must be skipped by the sort
                spill.writeFlow(true, f.ordinal, f.thread, f.tsNs, f.ordinal);
            }
        }
        return spill;
    }
}
