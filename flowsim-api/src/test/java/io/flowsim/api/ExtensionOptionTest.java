package io.flowsim.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtensionOptionTest {

    private static final ExtensionOption<Integer> IN_FLIGHT = ExtensionOption.integer("my-backend.max-in-flight",
            "tasks at a time").withDefault(1).alias("--max-in-flight");
    private static final ExtensionOption<Path> FILES = ExtensionOption.path("my-backend.file", "a file").repeatable();
    private static final ExtensionOption<Duration> TIMEOUT = ExtensionOption.duration("my-backend.timeout", "limit");
    private static final ExtensionOption<String> URL = ExtensionOption.string("my-backend.url", "where").required();

    @Test
    void keysAreNamespacedKebabCase() {
        assertThat(IN_FLIGHT.namespace()).isEqualTo("my-backend");
        assertThat(IN_FLIGHT.longName()).isEqualTo("--my-backend.max-in-flight");
        assertThat(IN_FLIGHT.keys()).containsExactly("my-backend.max-in-flight", "max-in-flight");
        assertThatThrownBy(() -> ExtensionOption.string("url", "no namespace"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<extension-name>.<option>");
        assertThatThrownBy(() -> ExtensionOption.string("My.Url", "upper case")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IN_FLIGHT.alias("-m")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valuesComeBackTypedWithTheDefaultWhenAbsent() {
        assertThat(Options.empty().get(IN_FLIGHT)).isEqualTo(1);
        assertThat(Options.builder().add("my-backend.max-in-flight", "4").build().get(IN_FLIGHT)).isEqualTo(4);
        // the alias key (an older spelling, or -O max-in-flight=2) works too
        assertThat(Options.builder().add("max-in-flight", "2").build().get(IN_FLIGHT)).isEqualTo(2);
        assertThat(Options.builder().add("my-backend.timeout", "1.5m").build().get(TIMEOUT))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(Options.empty().find(TIMEOUT)).isEmpty();
        assertThat(Options.builder().add("my-backend.file", "a").add("my-backend.file", "b").build().getAll(FILES))
                .containsExactly(Path.of("a"), Path.of("b"));
        assertThat(Options.empty().getAll(FILES)).isEmpty();
        assertThat(ExtensionOption.bool("x.flag", "f").convert("")).isTrue();
        assertThat(ExtensionOption.bool("x.flag", "f").convert("off")).isFalse();
    }

    @Test
    void badOrMissingValuesAreUsageErrorsNamingEverySpelling() {
        assertThatThrownBy(() -> Options.builder().add("max-in-flight", "two").build().get(IN_FLIGHT))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessage("option --my-backend.max-in-flight (--max-in-flight): 'two' is not an integer");
        assertThatThrownBy(() -> Options.empty().get(URL))
                .isInstanceOf(FlowsimException.class).hasMessage("option --my-backend.url is required");
        assertThatThrownBy(() -> TIMEOUT.convert("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a duration");
    }

    @Test
    void defaultsReadAsUsersTypeThem() {
        assertThat(ExtensionOption.duration("x.t", "t").withDefault(Duration.ofMinutes(15)).defaultText()).isEqualTo("15m");
        assertThat(ExtensionOption.duration("x.t", "t").withDefault(Duration.ofSeconds(30)).defaultText()).isEqualTo("30s");
        assertThat(ExtensionOption.duration("x.t", "t").withDefault(Duration.ofMillis(250)).defaultText()).isEqualTo("250ms");
        assertThat(TIMEOUT.defaultText()).isEmpty();
        assertThat(List.of(IN_FLIGHT.isRequired(), URL.isRequired(), FILES.isRepeatable())).containsExactly(false, true, true);
    }
}
