package io.flowsim.runtime.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hint for an unknown option whose words a real option holds, under other words or with more of them: on a
 * hand-built command with simulate's kind of options and a plugin's namespaced URL option.
 */
class SuggestionsTest {

    private static CommandSpec command() {
        CommandSpec spec = CommandSpec.create().name("simulate");
        for (String[] names : new String[][] {{"--trace-file"}, {"--trace-dir"}, {"--output-dir"}, {"--jobs"},
            {"--gpu"}, {"--backend"}, {"--source"}, {"--plugins-dir"}, {"--artifact-dir", "--my-backend.artifact-dir"},
            {"--api-url", "--my-backend.api-url"}}) {
            spec.addOption(OptionSpec.builder(names).arity("1").type(String.class).build());
        }
        return spec;
    }

    /** The line's hint for {@code simulate ARGS}, as the command line prints it. */
    private static String hint(String... args) {
        return hint(command(), args);
    }

    private static String hint(CommandSpec spec, String... args) {
        CommandLine cl = new CommandLine(spec);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, unmatched) -> {
            cl.getErr().print(Suggestions.didYouMean(ex));
            return 2;
        });
        cl.execute(args);
        return err.toString();
    }

    @Test
    void aBackendsUrlUnderAnotherNameIsFound() {
        assertThat(hint("--llmcompass-url", "http://x")).isEmpty(); // no option has the word llmcompass
        assertThat(hint("--my-backend-url", "http://x")).isEqualTo(" (did you mean '--my-backend.api-url'?)");
        assertThat(hint("--my-backend_endpoint", "http://x")).isEqualTo(" (did you mean '--my-backend.api-url'?)");
        assertThat(hint("--url", "http://x")).isEqualTo(" (did you mean '--api-url'?)");
        assertThat(hint("--endpoint=http://x")).isEqualTo(" (did you mean '--api-url'?)");
    }

    @Test
    void nearSynonymsOfTheRuntimesOptionsAreFound() {
        assertThat(hint("--threads", "4")).isEqualTo(" (did you mean '--jobs'?)");
        assertThat(hint("--out-folder", "o")).isEqualTo(" (did you mean '--output-dir'?)");
        assertThat(hint("--device", "H100")).isEqualTo(" (did you mean '--gpu'?)");
        assertThat(hint("--simulator", "analytical")).isEqualTo(" (did you mean '--backend'?)");
        assertThat(hint("--trace-path", "t.json")).isEqualTo(" (did you mean '--trace-file' or '--trace-dir'?)");
        assertThat(hint("--traces", "t.json")).isEqualTo(" (did you mean '--trace-file' or '--trace-dir'?)");
    }

    @Test
    void aTypoStillWinsAndUnrelatedOrAmbiguousWordsGetNoHint() {
        assertThat(hint("--trace-fil", "t.json")).isEqualTo(" (did you mean '--trace-file'?)");
        assertThat(hint("--force")).isEmpty();
        assertThat(hint("--frobnicate")).isEmpty();
        // four options end in -dir: naming them all is no hint
        assertThat(hint("--dir", "d")).isEmpty();
        // one word of three in common is chance: 'out' of --held-out-fraction is not --output's
        CommandSpec validate = CommandSpec.create().name("validate");
        validate.addOption(OptionSpec.builder("--held-out-fraction").arity("1").type(String.class).build());
        validate.addOption(OptionSpec.builder("--csv").arity("1").type(String.class).build());
        assertThat(hint(validate, "--output", "x")).isEmpty();
        assertThat(hint(validate, "--held-out", "0.3")).isEqualTo(" (did you mean '--held-out-fraction'?)");
    }

    @Test
    void wordsSplitAtDashesDotsAndUnderscores() {
        assertThat(Suggestions.words("--My-Backend.api_url")).containsExactly("my", "backend", "api", "url");
        assertThat(Suggestions.words("-o")).containsExactly("o");
        assertThat(Suggestions.words("--")).isEmpty();
    }
}
