package io.flowsim.runtime.measurements;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Measurement;
import io.flowsim.testkit.TestRequests;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HoldOutSplitTest {

    private static Measurement m(String key, long ns) {
        return new Measurement(key, "g", List.of(TestRequests.gemm(1, 1, 1, DataType.BF16)), 0, ns, "test");
    }

    @Test
    void theSplitIsDeterministicKeyedAndOfTheRequestedSize() {
        List<Measurement> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            all.add(m("key-" + i, i));
        }
        HoldOutSplit split = new HoldOutSplit(0.3);
        List<Measurement> held = split.heldOut(all);
        List<Measurement> fit = split.fitting(all);
        assertThat(held.size() + fit.size()).isEqualTo(all.size());
        assertThat(held.size() / (double) all.size()).isBetween(0.28, 0.32);
        assertThat(held).doesNotContainAnyElementsOf(fit);

        List<Measurement> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new java.util.Random(7));
        assertThat(split.heldOut(shuffled)).containsExactlyInAnyOrderElementsOf(held);
        // Repeated measurements of one configuration (same key, other values) fall on one side.
        for (int i = 0; i < 200; i++) {
            assertThat(split.isHeldOut(m("key-" + i, 1))).isEqualTo(split.isHeldOut(m("key-" + i, 99)));
        }
        assertThat(new HoldOutSplit(0).heldOut(all)).isEmpty();
    }

    @Test
    void positionsAreInTheUnitInterval() {
        for (int i = 0; i < 1000; i++) {
            assertThat(HoldOutSplit.position("k" + i)).isGreaterThanOrEqualTo(0).isLessThan(1);
        }
        assertThatThrownBy(() -> new HoldOutSplit(1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
