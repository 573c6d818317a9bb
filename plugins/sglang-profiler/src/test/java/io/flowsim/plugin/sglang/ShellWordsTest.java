package io.flowsim.plugin.sglang;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ShellWordsTest {

    /** Inputs for the comparison with Python's shlex.split, which the original run_profile.py used. */
    private static final List<String> SAMPLES = List.of(
            "",
            "   ",
            "--model-path /models/deepseek --tp 4",
            "  leading and   trailing  ",
            "tabs\tand\nnewlines\r\nhere",
            "--served-model-name 'my model' --x \"a b\"",
            "--json '{\"key\": [1, 2]}'",
            "--json \"{\\\"key\\\": 1}\"",
            "a\\ b c",
            "'' \"\" x",
            "--x=\"a b\"c'd e'f",
            "\"back\\\\slash\" \"keep\\n\" \"dollar\\$\"",
            "'no \\escape in single'",
            "'it'\\''s' 'a'\"'\"'b'",
            "$HOME ~ *.py # not a comment",
            "x\\\ny",
            "\"multi\nline\"",
            "\\'quoted\\' \\\"double\\\"",
            "ünïcödé 'ñ ñ' 日本");

    @Test
    void splitsLikeAShell() {
        assertThat(ShellWords.split("--model-path /m --tp 4")).containsExactly("--model-path", "/m", "--tp", "4");
        assertThat(ShellWords.split("--name 'my model' --x \"a b\"")).containsExactly("--name", "my model", "--x", "a b");
        assertThat(ShellWords.split("--x=\"a b\"c")).containsExactly("--x=a bc");
        assertThat(ShellWords.split("a\\ b")).containsExactly("a b");
        assertThat(ShellWords.split("'' x")).containsExactly("", "x");
        assertThat(ShellWords.split("\"a\\\"b\\\\c\\d\"")).containsExactly("a\"b\\c\\d");
        assertThat(ShellWords.split("'a\\b'")).containsExactly("a\\b");
        assertThat(ShellWords.split("$HOME #x")).containsExactly("$HOME", "#x");
        assertThat(ShellWords.split(" \t\n")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"'open", "a \"open", "x \"a\\\"", "trailing\\"})
    void rejectsUnfinishedInput(String input) {
        assertThatThrownBy(() -> ShellWords.split(input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position");
    }

    @Test
    void quoteRoundTrips() {
        for (String sample : SAMPLES) {
            List<String> words = ShellWords.split(sample);
            assertThat(ShellWords.split(ShellWords.join(words))).as(sample).isEqualTo(words);
        }
        List<String> odd = List.of("", "a b", "it's", "\"", "\\", "$x", "new\nline", "plain-word_1.2:3");
        assertThat(ShellWords.split(ShellWords.join(odd))).isEqualTo(odd);
        assertThat(ShellWords.quote("plain-word_1.2:3")).isEqualTo("plain-word_1.2:3");
    }

    @Test
    void agreesWithPythonShlex() throws Exception {
        assumeTrue(Standin.python3Available(), "python3 is not installed");
        List<List<String>> expected = pythonShlex(SAMPLES);
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertThat(ShellWords.split(SAMPLES.get(i))).as("shlex.split(%s)", SAMPLES.get(i)).isEqualTo(expected.get(i));
        }
    }

    /**
     * shlex.split of every input in one real python3. Inputs go in separated by NUL; each word comes
     * back followed by NUL, each input's words followed by \u0001 (neither occurs in the samples).
     */
    private static List<List<String>> pythonShlex(List<String> inputs) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", String.join("\n",
                "import shlex, sys",
                "for s in sys.stdin.buffer.read().decode('utf-8').split('\\0'):",
                "    sys.stdout.buffer.write(b''.join(w.encode('utf-8') + b'\\0' for w in shlex.split(s)) + b'\\1')"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(String.join("\0", inputs).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("python3 shlex").isZero();
        List<List<String>> result = new ArrayList<>();
        String[] perInput = out.toString(StandardCharsets.UTF_8).split("\u0001", -1);
        for (int i = 0; i < perInput.length - 1; i++) {
            List<String> words = new ArrayList<>(Arrays.asList(perInput[i].split("\0", -1)));
            words.remove(words.size() - 1); // after the last NUL
            result.add(words);
        }
        assertThat(result).hasSameSizeAs(inputs);
        return result;
    }
}
