package io.flowsim.runtime.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code --help} shows a new user: picocli prints every element of a description on a line of
 * its own, so a sentence split over two elements is printed as a wrapped line followed by an orphan
 * fragment ("launched\nit,\nresolve it ..."). Each element must therefore end a sentence or a clause.
 */
class UsageHelpTest {

    private static final PrintStream NOWHERE = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    private static List<CommandSpec> everyCommand() {
        CommandLine root = FlowsimCommand.commandLine(NOWHERE, NOWHERE, false);
        List<CommandSpec> specs = new ArrayList<>();
        collect(root, specs);
        return specs;
    }

    private static void collect(CommandLine cl, List<CommandSpec> specs) {
        specs.add(cl.getCommandSpec());
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!specs.contains(sub.getCommandSpec())) {
                collect(sub, specs);
            }
        }
    }

    @Test
    void noDescriptionSplitsASentenceOverTwoLines() {
        List<CommandSpec> specs = everyCommand();
        assertThat(specs).extracting(CommandSpec::name).contains("parse", "simulate", "plugins", "check");
        for (CommandSpec spec : specs) {
            String[] lines = spec.usageMessage().description();
            for (int i = 0; i + 1 < lines.length; i++) {
                String line = lines[i].strip();
                String next = lines[i + 1].strip();
                boolean continues = !next.isEmpty() && Character.isLowerCase(next.charAt(0))
                        && !line.isEmpty() && !line.endsWith(".") && !line.endsWith(":") && !line.endsWith(")");
                assertThat(continues).as("'%s' description line %d ('%s') continues on the next line ('%s')",
                        spec.qualifiedName(), i, line, next).isFalse();
            }
        }
    }

    @Test
    void everyCommandInTheListIsSummedUpInOneSentence() {
        for (CommandSpec spec : everyCommand()) {
            if (spec.parent() == null) {
                continue; // the root is in no command list
            }
            String[] header = spec.usageMessage().header();
            String[] description = spec.usageMessage().description();
            // what picocli shows beside the command's name in its parent's command list
            String summary = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
            assertThat(summary.strip()).as("summary of '%s'", spec.qualifiedName()).endsWith(".");
        }
    }

    @Test
    void theCompletionHelpShowsThePathToSaveTheScriptUnbroken() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"completion", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                NOWHERE);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("~/.local/share/bash-completion/completions/flowsim");
    }
}
