package io.flowsim.runtime.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line builds only the subcommand it names; --version alone skips picocli. */
class LazyCommandLineTest {

    private static final PrintStream NOWHERE = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void theNamedSubcommandIsFoundPastGlobalOptionsAndTheirValues() {
        assertThat(FlowsimCommand.namedSubcommand(new String[] {"parse", "--trace-file", "t"}))
                .isEqualTo(ParseCommand.class);
        // "simulate" here is the value of --plugins-dir, not the command
        assertThat(FlowsimCommand.namedSubcommand(new String[] {"--plugins-dir", "simulate", "-q", "parse"}))
                .isEqualTo(ParseCommand.class);
        assertThat(FlowsimCommand.namedSubcommand(new String[] {"-O", "a=b", "simulate"}))
                .isEqualTo(SimulateCommand.class);
        assertThat(FlowsimCommand.namedSubcommand(new String[] {"help", "parse"})).isNull();
        assertThat(FlowsimCommand.namedSubcommand(new String[] {"no-such-command"})).isNull();
        assertThat(FlowsimCommand.namedSubcommand(new String[] {"--help"})).isNull();
    }

    @Test
    void onlyTheNamedSubcommandIsBuiltAndEveryOneOtherwise() {
        CommandLine one = FlowsimCommand.commandLine(NOWHERE, NOWHERE, false, new String[] {"-q", "parse"});
        assertThat(one.getSubcommands()).containsOnlyKeys("parse");
        CommandLine all = FlowsimCommand.commandLine(NOWHERE, NOWHERE, false, new String[] {"--help"});
        assertThat(all.getSubcommands()).hasSize(FlowsimCommand.SUBCOMMANDS.size())
                .containsKeys("plugins", "parse", "simulate", "help");
    }

    @Test
    void versionAlonePrintsWhatPicocliPrints() {
        ByteArrayOutputStream fast = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"--version"}, new PrintStream(fast, true, StandardCharsets.UTF_8), NOWHERE))
                .isZero();
        ByteArrayOutputStream viaPicocli = new ByteArrayOutputStream();
        // a second option sends it through picocli's own --version handling
        assertThat(Main.run(new String[] {"--quiet", "--version"},
                new PrintStream(viaPicocli, true, StandardCharsets.UTF_8), NOWHERE)).isZero();
        assertThat(fast.toString(StandardCharsets.UTF_8)).startsWith("FlowSim ")
                .isEqualTo(viaPicocli.toString(StandardCharsets.UTF_8));
    }
}
