package io.flowsim.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime names no plugin, none of their option keys and no third-party table format: every
 * plugin setting is declared by its plugin, every format read by a plugin. The one name allowed is
 * the default backend's (a command needs a default). A source check over
 * {@code flowsim-runtime/src/main}, the same search as
 * {@code grep -rnE 'analytical|llmcompass|sglang|aiconfigurator|vidur|"hardware"|"kernels"|api-url'}.
 */
class RuntimeNamesNoPluginTest {

    static final Pattern PLUGIN_NAMES =
            Pattern.compile("analytical|llmcompass|sglang|aiconfigurator|vidur|\"hardware\"|\"kernels\"|api-url");
    /** The default backend's name, where the simulate command declares it. */
    static final String ALLOWED = "static final String DEFAULT_BACKEND = \"analytical\";";

    /** Every line under {@code root} that names a plugin, as {@code path:line: text}, except the allowed one. */
    static List<String> offendingLines(Path root) {
        return RuntimeSourceLines.matching(root,
                line -> PLUGIN_NAMES.matcher(line).find() && !line.strip().equals(ALLOWED));
    }

    @Test
    void theRuntimeSourcesNameOnlyTheDefaultBackend() {
        Path main = RuntimeSourceLines.runtimeMain();
        assertThat(main.resolve("java/io/flowsim/runtime/cli/SimulateCommand.java")).exists();
        assertThat(offendingLines(main)).isEmpty();
    }

    @Test
    void theCheckFindsAPluginOptionKeyAndATableFormat(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("java"));
        Files.writeString(src.resolve("Rogue.java"), String.join("\n",
                "class Rogue {",
                "    " + ALLOWED,
                "    String url = options.get(\"api-url\");",
                "    // reads vidur tables",
                "}"));
        assertThat(offendingLines(dir)).containsExactly("java/Rogue.java:3: String url = options.get(\"api-url\");",
                "java/Rogue.java:4: // reads vidur tables");
    }
}
