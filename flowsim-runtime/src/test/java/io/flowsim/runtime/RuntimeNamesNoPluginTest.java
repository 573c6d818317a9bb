package io.flowsim.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (PLUGIN_NAMES.matcher(line).find() && !line.strip().equals(ALLOWED)) {
                        found.add(root.relativize(f) + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    @Test
    void theRuntimeSourcesNameOnlyTheDefaultBackend() {
        Path main = Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("flowsim-runtime/src/main");
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
