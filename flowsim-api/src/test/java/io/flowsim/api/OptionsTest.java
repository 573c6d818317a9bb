package io.flowsim.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @Test
    void lastValueWinsAndAllValuesAreKeptInOrder() {
        Options o = Options.builder().add("kernels", "a.json").add("kernels", "b.json").build();
        assertThat(o.get("kernels")).contains("b.json");
        assertThat(o.getAll("kernels")).containsExactly("a.json", "b.json");
        assertThat(o.get("missing")).isEmpty();
        assertThat(o.getAll("missing")).isEmpty();
        assertThat(o.has("kernels")).isTrue();
    }

    @Test
    void withReturnsACopyAndLeavesTheOriginalUnchanged() {
        Options o = Options.builder().add("gpu", "H100").build();
        Options more = o.with("gpu", "B200");
        assertThat(o.getAll("gpu")).containsExactly("H100");
        assertThat(more.get("gpu")).contains("B200");
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        Options o = Options.builder().add("a", "90").add("b", "1.5s").add("c", "250ms").add("d", "10m")
                .add("e", "2h").build();
        assertThat(o.getDuration("a", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.getDuration("b", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.getDuration("c", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(o.getDuration("d", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
        assertThat(o.getDuration("e", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
        assertThat(o.getDuration("absent", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOption() {
        Options o = Options.builder().add("max-in-flight", "two").add("timeout", "-3s").add("flag", "maybe").build();
        assertThatThrownBy(() -> o.getInt("max-in-flight", 1))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("--max-in-flight").hasMessageContaining("two");
        assertThatThrownBy(() -> o.getDuration("timeout", Duration.ZERO))
                .isInstanceOf(FlowsimException.class).hasMessageContaining("--timeout");
        assertThatThrownBy(() -> o.getBoolean("flag", false))
                .isInstanceOf(FlowsimException.class).hasMessageContaining("--flag");
    }

    @Test
    void typedAccessorsParseGoodValues() {
        Options o = Options.builder().add("n", " 4 ").add("x", "2.5").add("on", "yes").add("off", "0").build();
        assertThat(o.getInt("n", 0)).isEqualTo(4);
        assertThat(o.getDouble("x", 0)).isEqualTo(2.5);
        assertThat(o.getBoolean("on", false)).isTrue();
        assertThat(o.getBoolean("off", true)).isFalse();
    }

    @Test
    void valuesAreImmutable() {
        Options o = Options.builder().add("k", "v").build();
        assertThatThrownBy(() -> o.values().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> o.getAll("k").add("w")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void errorCodesMapToTheDocumentedExitCodes() {
        assertThat(ErrorCode.USAGE.exitCode()).isEqualTo(2);
        assertThat(ErrorCode.BAD_INPUT.exitCode()).isEqualTo(2);
        assertThat(ErrorCode.PLUGIN.exitCode()).isEqualTo(2);
        assertThat(ErrorCode.UNAVAILABLE.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.TIMEOUT.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.INTERNAL.exitCode()).isEqualTo(1);
    }
}
