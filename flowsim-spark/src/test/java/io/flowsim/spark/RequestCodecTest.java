package io.flowsim.spark;

import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.HardwareTarget;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RequestCodecTest {

    @Test
    void aTargetTravelsWithItsTraceDeviceAndTheBackendsVerdict() {
        DeviceInfo h200 = new DeviceInfo(0, "NVIDIA H200", 132, 150_110_666_752L, 9, 0, Map.of());
        for (HardwareTarget t : new HardwareTarget[] {new HardwareTarget("B200", Optional.of(h200)),
            new HardwareTarget("H200", Optional.of(h200)).asTraceDevice(), new HardwareTarget("H100", Optional.empty())}) {
            String json = RequestCodec.json(t);
            assertThat(RequestCodec.target(json)).isEqualTo(t);
            // components only: no derived getter (isTraceDevice, isWhatIf) becomes a field
            assertThat(json).doesNotContain("whatIf").doesNotContain("\"isTraceDevice\"");
        }
    }
}
