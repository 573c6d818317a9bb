package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlap of each kernel with other streams of its device, on hand-made intervals and against brute force. */
class KernelOverlapTest {

    private static KernelRecord kernel(int index, int device, long stream, long start, long duration) {
        return KernelRecord.builder(index, "k" + index).device(device).stream(stream).start(start).duration(duration)
                .build();
    }

    private static long[] overlap(KernelRecord... records) {
        return KernelOverlap.of(List.of(records));
    }

    @Test
    void kernelsThatOnlyTouchDoNotOverlap() {
        assertThat(overlap(kernel(0, 0, 7, 0, 10), kernel(1, 0, 20, 10, 10), kernel(2, 0, 7, 20, 5)))
                .containsExactly(0, 0, 0);
    }

    @Test
    void aNestedKernelOverlapsForItsWholeLengthAndItsHostForThatLength() {
        assertThat(overlap(kernel(0, 0, 7, 0, 100), kernel(1, 0, 20, 20, 10))).containsExactly(10, 10);
    }

    @Test
    void threeStreamsCountTheUnionOfTheOthersOnce() {
        // 7: [0, 30), 20: [20, 60), 21: [50, 100), 22: [25, 55) inside both 7's end and 21's start
        long[] o = overlap(kernel(0, 0, 7, 0, 30), kernel(1, 0, 20, 20, 40), kernel(2, 0, 21, 50, 50),
                kernel(3, 0, 22, 25, 30));
        // 7 shares [20, 30); 20 shares [20, 30) with 7 and [25, 55) with 22 and [50, 60) with 21: [20, 60)
        // 21 shares [50, 60) with 20 and [50, 55) with 22: [50, 60); 22 lies inside 20
        assertThat(o).containsExactly(10, 40, 10, 30);
    }

    @Test
    void kernelsOfTheSameStreamNeverCountEvenWhenTheirRecordedTimesOverlap() {
        assertThat(overlap(kernel(0, 0, 7, 0, 10), kernel(1, 0, 7, 5, 10))).containsExactly(0, 0);
        // and a same-stream neighbour does not hide another stream's time
        assertThat(overlap(kernel(0, 0, 7, 0, 10), kernel(1, 0, 7, 5, 10), kernel(2, 0, 8, 8, 4)))
                .containsExactly(2, 4, 4);
    }

    @Test
    void devicesAreApart() {
        assertThat(overlap(kernel(0, 0, 7, 0, 10), kernel(1, 1, 8, 0, 10), kernel(2, 1, 9, 5, 10)))
                .containsExactly(0, 5, 5);
    }

    @Test
    void aZeroLengthKernelOverlapsNothingAndHidesNothing() {
        assertThat(overlap(kernel(0, 0, 7, 0, 10), kernel(1, 0, 20, 5, 0))).containsExactly(0, 0);
    }

    @Test
    void copiesAndMemsetsNeitherCountNorGetAnOverlap() {
        KernelRecord copy = KernelRecord.builder(1, "Memcpy DtoD").kind(KernelKind.MEMCPY).device(0).stream(22)
                .start(0).duration(100).build();
        KernelRecord set = KernelRecord.builder(2, "Memset").kind(KernelKind.MEMSET).device(0).stream(23)
                .start(0).duration(100).build();
        assertThat(overlap(kernel(0, 0, 7, 10, 10), copy, set)).containsExactly(0, KernelOverlap.NONE,
                KernelOverlap.NONE);
    }

    @Test
    void recordsInAnyOrderGiveTheSameOverlaps() {
        List<KernelRecord> records = random(new Random(7), 300);
        long[] inOrder = KernelOverlap.of(records);
        List<KernelRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(11));
        long[] reordered = KernelOverlap.of(shuffled);
        for (int i = 0; i < shuffled.size(); i++) {
            assertThat(reordered[i]).isEqualTo(inOrder[(int) shuffled.get(i).index()]);
        }
    }

    @Test
    void agreesWithABruteForceUnionOnRandomTraces() {
        Random random = new Random(2026);
        for (int round = 0; round < 50; round++) {
            List<KernelRecord> records = random(random, 1 + random.nextInt(80));
            long[] fast = KernelOverlap.of(records);
            for (int i = 0; i < records.size(); i++) {
                assertThat(fast[i]).as("round %d kernel %d", round, i).isEqualTo(bruteForce(records, i));
            }
        }
    }

    /** Kernels on 2 devices and 4 streams, starts on a coarse grid so that touching and equal starts occur. */
    static List<KernelRecord> random(Random random, int n) {
        List<KernelRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = 10L * random.nextInt(n * 3);
            long duration = random.nextInt(10) == 0 ? 0 : 10L * (1 + random.nextInt(8));
            records.add(kernel(i, random.nextInt(2), 7 + random.nextInt(4), start, duration));
        }
        return records;
    }

    /** The other streams' intervals clipped to the kernel's, merged and summed, one nanosecond at a time. */
    private static long bruteForce(List<KernelRecord> records, int i) {
        KernelRecord k = records.get(i);
        long shared = 0;
        for (long t = k.startNs(); t < k.endNs(); t++) {
            for (KernelRecord o : records) {
                if (o.device() == k.device() && o.stream() != k.stream() && o.startNs() <= t && t < o.endNs()) {
                    shared++;
                    break;
                }
            }
        }
        return shared;
    }
}
