package io.flowsim.runtime;

import io.flowsim.api.SimulatorBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code flowsim completion}: the generated script is sourced by a real bash child process and
 * completes subcommands, nested subcommands and options through the function it registers.
 */
class CompletionCommandTest {

    @TempDir
    Path dir;

    private Path script(String shell, String... globalOptions) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of(globalOptions));
        args.addAll(List.of("completion", shell));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Path file = dir.resolve("flowsim-" + shell + ".sh");
        Files.writeString(file, r.out());
        return file;
    }

    /** Sources the script in bash and completes {@code line} (the cursor at its end); the candidates. */
    private static List<String> complete(Path script, String... words) throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "bash not installed");
        String program = String.join("\n",
                "set -e",
                // compopt only works inside a completion started by readline; this call is direct
                "compopt() { :; }",
                "source \"$1\"",
                "shift",
                // the function that 'complete -F' registered for flowsim, as a shell would call it
                "fn=$(complete -p flowsim | sed -E 's/.*-F ([^ ]+).*/\\1/')",
                "COMP_WORDS=(\"$@\")",
                "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))",
                "COMP_LINE=\"$*\"",
                "COMP_POINT=${#COMP_LINE}",
                "\"$fn\" flowsim \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"",
                "printf '%s\\n' \"${COMPREPLY[@]}\"");
        List<String> command = new java.util.ArrayList<>(List.of(bash.toString(), "--norc", "--noprofile", "-c",
                program, "complete-test", script.toString()));
        command.addAll(List.of(words));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void bashCompletesSubcommandsNestedSubcommandsAndOptions() throws Exception {
        Path script = script("bash");
        assertThat(complete(script, "flowsim", "si")).containsExactly("simulate");
        assertThat(complete(script, "flowsim", "")).contains("parse", "simulate", "compare", "kernels", "plugins",
                "completion");
        assertThat(complete(script, "flowsim", "kernels", "ch")).containsExactly("check");
        assertThat(complete(script, "flowsim", "simulate", "--trace-f")).containsExactly("--trace-file");
        assertThat(complete(script, "flowsim", "simulate", "--trace-d")).containsExactly("--trace-dir");
        assertThat(complete(script, "flowsim", "compare", "--for")).containsExactly("--format");
        assertThat(complete(script, "flowsim", "completion", "z")).containsExactly("zsh");
    }

    @Test
    void zshGetsTheSameScriptWhichSwitchesOnBashCompatibility() throws Exception {
        String bash = Files.readString(script("bash"));
        String zsh = Files.readString(script("zsh"));
        assertThat(zsh).isEqualTo(bash).contains("bashcompinit");
        Path zshBinary = Path.of("/usr/bin/zsh");
        if (Files.isExecutable(zshBinary)) {
            Process p = new ProcessBuilder(zshBinary.toString(), "-f", "-c", "source \"$1\" && (( $+functions[_complete_flowsim] ))",
                    "zsh", script("zsh").toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
        }
    }

    @Test
    void anUnknownShellIsAUsageError() {
        CliRun r = CliRun.of("completion", "fish");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unsupported shell 'fish'").contains("bash, zsh");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void optionsDeclaredByAPluginAreCompletedOnTheCommandsThatUseIt() throws Exception {
        Path demo = Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("demo/third-party-plugin");
        String provider = Files.readString(demo.resolve(
                "src/main/resources/META-INF/services/io.flowsim.api.SimulatorBackend")).strip();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder("example-toy-backend")
                .source(provider, Files.readString(demo.resolve("src/main/java/com/example/flowsim/toy/ToyRooflineBackend.java")))
                .service(SimulatorBackend.class, provider).build(plugins);

        Path script = script("bash", "--plugins-dir", plugins.toString());
        assertThat(complete(script, "flowsim", "simulate", "--example-toy-roofline.tf"))
                .containsExactly("--example-toy-roofline.tflops");
        // without the plugin directory the option is not in the script at all
        assertThat(Files.readString(script("bash"))).doesNotContain("example-toy-roofline");
    }
}
