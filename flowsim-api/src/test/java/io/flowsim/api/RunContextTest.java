package io.flowsim.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunContextTest {

    @Test
    void threadsPerTraceIsWhatTheRuntimeGave() {
        RunContext one = RunContext.of(Options.empty(), Reporter.silent(), Path.of("out"), 1);
        assertThat(one.threadsPerTrace()).isEqualTo(1);
        assertThat(one.outputDirectory()).contains(Path.of("out"));
        assertThat(RunContext.of(Options.empty(), Reporter.silent(), null, 3).threadsPerTrace()).isEqualTo(3);
    }

    @Test
    void withoutAHintOneTraceMayUseEveryProcessor() {
        RunContext plain = RunContext.of(Options.empty(), Reporter.silent(), null);
        assertThat(plain.threadsPerTrace()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(plain.outputDirectory()).isEqualTo(Optional.empty());
        RunContext own = new RunContext() {
            @Override
            public Options options() {
                return Options.empty();
            }

            @Override
            public Reporter reporter() {
                return Reporter.silent();
            }

            @Override
            public Optional<Path> outputDirectory() {
                return Optional.empty();
            }
        };
        assertThat(own.threadsPerTrace()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void fewerThanOneThreadIsRefused() {
        assertThatThrownBy(() -> RunContext.of(Options.empty(), Reporter.silent(), null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, got 0");
    }
}
