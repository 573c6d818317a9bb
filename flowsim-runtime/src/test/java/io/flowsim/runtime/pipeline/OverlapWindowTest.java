package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming window hands kernels on in trace order, with the overlaps of the whole trace, as early as it can. */
class OverlapWindowTest {

    @Test
    void aStreamedTraceGetsTheOverlapsOfTheWholeTraceInItsOrder() {
        Random random = new Random(42);
        for (int round = 0; round < 30; round++) {
            List<KernelRecord> records = new ArrayList<>(KernelOverlapTest.random(random, 1 + random.nextInt(120)));
            records.sort(Comparator.comparingLong(KernelRecord::startNs)); // the Trace contract: start-time order
            long[] whole = KernelOverlap.of(records);

            List<KernelRecord> seen = new ArrayList<>();
            List<Long> overlaps = new ArrayList<>();
            OverlapWindow window = new OverlapWindow((k, overlap) -> {
                seen.add(k.kernel());
                overlaps.add(overlap);
            });
            records.forEach(r -> window.add(ResolvedKernel.unresolved(r)));
            window.flush();
            assertThat(seen).containsExactlyElementsOf(records);
            for (int i = 0; i < records.size(); i++) {
                assertThat(overlaps.get(i)).as("round %d kernel %d", round, i).isEqualTo(whole[i]);
            }
        }
    }

    @Test
    void kernelsGoOnOnceNoLaterKernelCanOverlapThem() {
        List<String> handedOn = new ArrayList<>();
        OverlapWindow window = new OverlapWindow((k, overlap) -> handedOn.add(k.kernel().name() + "=" + overlap));
        window.add(kernel(0, 7, 0, 100));
        window.add(kernel(1, 8, 50, 100)); // overlaps the first
        window.add(kernel(2, 7, 120, 10)); // overlaps the second
        assertThat(handedOn).isEmpty();
        window.add(kernel(3, 7, 150, 10)); // starts where every held kernel has ended (touching)
        assertThat(handedOn).containsExactly("k0=50", "k1=60", "k2=10");
        window.add(kernel(4, 8, 200, 10));
        assertThat(handedOn).containsExactly("k0=50", "k1=60", "k2=10", "k3=0");
        window.flush();
        assertThat(handedOn).containsExactly("k0=50", "k1=60", "k2=10", "k3=0", "k4=0");
    }

    private static ResolvedKernel kernel(int index, long stream, long start, long duration) {
        return ResolvedKernel.unresolved(KernelRecord.builder(index, "k" + index).device(0).stream(stream).start(start)
                .duration(duration).build());
    }
}
