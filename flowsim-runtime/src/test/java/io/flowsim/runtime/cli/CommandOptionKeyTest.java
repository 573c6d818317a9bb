package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys the commands hand to extensions: one list, written and checked through the same constants. */
class CommandOptionKeyTest {

    @Test
    void everyKeyACommandSetsIsKnownAsOneAndNothingElseIs() {
        assertThat(Arrays.stream(CommandOptionKey.values()).map(CommandOptionKey::key))
                .containsExactly("trace-file", "output-dir", "report", "backend", "gpu").doesNotHaveDuplicates();
        for (CommandOptionKey k : CommandOptionKey.values()) {
            assertThat(CommandOptionKey.isCommandKey(k.key())).as(k.key()).isTrue();
        }
        assertThat(CommandOptionKey.isCommandKey("analytical.hardware")).isFalse();
        assertThat(CommandOptionKey.isCommandKey("trace_file")).isFalse();
        assertThat(CommandOptionKey.isCommandKey("TRACE_FILE")).isFalse();
    }

    @Test
    void aValueIsWrittenAsTextUnderItsKeyAndAnAbsentOneNotAtAll() {
        Options.Builder b = Options.builder();
        CommandOptionKey.OUTPUT_DIR.set(b, Path.of("out", "run"));
        CommandOptionKey.REPORT.set(b, false);
        CommandOptionKey.GPU.set(b, null);
        Options options = b.build();
        assertThat(options.get("output-dir", "")).isEqualTo(Path.of("out", "run").toString());
        assertThat(options.get("report", "")).isEqualTo("false");
        assertThat(options.get("gpu", "none")).isEqualTo("none");
    }
}
