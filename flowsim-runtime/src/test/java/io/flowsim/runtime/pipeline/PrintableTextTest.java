package io.flowsim.runtime.pipeline;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Control characters and line separators of a name are escaped; nothing else is touched. */
class PrintableTextTest {

    @Test
    void controlCharactersAndLineSeparatorsAreEscaped() {
        assertThat(PrintableText.of("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(PrintableText.of("red\u001b[31m")).isEqualTo("red\\u001b[31m");
        assertThat(PrintableText.of("nul\u0000del\u007f")).isEqualTo("nul\\u0000del\\u007f");
        // C1's next-line and Unicode's line and paragraph separators end a line for some readers
        assertThat(PrintableText.of("x\u0085y\u2028z\u2029")).isEqualTo("x\\u0085y\\u2028z\\u2029");
        assertThat(PrintableText.of(Path.of("dir", "bad\nname.json"))).isEqualTo("dir/bad\\nname.json");
    }

    @Test
    void printableTextIsUnchanged() {
        String plain = "h200_llama3 (rank 0) \\n ünïcødé 名前 [31m";
        assertThat(PrintableText.of(plain)).isSameAs(plain);
        assertThat(PrintableText.of("")).isEmpty();
        assertThat(PrintableText.of(null)).isEqualTo("null");
    }
}
