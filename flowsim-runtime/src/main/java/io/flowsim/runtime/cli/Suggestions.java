package io.flowsim.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "Did you mean" for a misspelt command or option: among picocli's suggestions for the argument it could
 * not match ({@link CommandLine.UnmatchedArgumentException#getSuggestions()}: subcommands by similarity,
 * options sharing the first letters) and the command's other visible options or subcommands, the nearest
 * by edit distance of the words without their dashes, when it is near enough to be a typo ({@link
 * #allowedEdits}).
 */
final class Suggestions {

    private Suggestions() {
    }

    /** {@code " (did you mean 'simulate'?)"} for a parameter error with a near suggestion, else empty. */
    static String didYouMean(CommandLine.ParameterException ex) {
        return nearest(ex).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    /**
     * For an option of a command given before the command ({@code flowsim --gpu H100 simulate ...}): the line
     * that says to put it after the command. Picocli has parsed the command named after it (or, when the
     * option's value hides it, none); the option is looked up among that command's options, else among every
     * command's. Empty for any other error.
     */
    static Optional<String> misplacedOption(CommandLine.ParameterException ex) {
        CommandLine root = ex.getCommandLine();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()
                || root == null || root.getParent() != null) {
            return Optional.empty();
        }
        String arg = unmatched.getUnmatched().get(0);
        if (!arg.startsWith("-") || root.getCommandSpec().findOption(optionName(arg)) != null) {
            return Optional.empty();
        }
        String option = optionName(arg);
        CommandLine.ParseResult parsed = root.getParseResult();
        List<CommandLine> commands = parsed != null && parsed.hasSubcommand()
                ? List.of(parsed.subcommand().commandSpec().commandLine())
                : List.copyOf(root.getSubcommands().values());
        List<String> having = commands.stream()
                .filter(c -> c.getCommandSpec().findOption(option) != null)
                .map(c -> c.getCommandName()).distinct().toList();
        if (having.isEmpty()) {
            return Optional.empty();
        }
        String command = having.size() == 1 ? having.get(0) : "COMMAND";
        return Optional.of(option + " is an option of " + (having.size() == 1 ? "'flowsim " + command + "'"
                : "the commands " + String.join(", ", having)) + ", not of 'flowsim' itself: put it after the"
                + " command, as in 'flowsim " + command + " " + arg + (arg.contains("=") ? "" : " ...") + "'");
    }

    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return eq > 0 ? arg.substring(0, eq) : arg;
    }

    static Optional<String> nearest(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()
                || ex.getCommandLine() == null) {
            return Optional.empty();
        }
        String arg = unmatched.getUnmatched().get(0);
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        Set<String> candidates = new LinkedHashSet<>(unmatched.getSuggestions());
        if (arg.startsWith("-")) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                arg = arg.substring(0, eq); // --trace-fil=x: the option's name
            }
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    candidates.addAll(java.util.List.of(o.names()));
                }
            }
        } else {
            candidates.addAll(spec.subcommands().keySet());
        }
        String best = null;
        int bestDistance = allowedEdits(word(arg)) + 1;
        for (String c : candidates) {
            int d = editDistance(word(arg), word(c));
            if (d > 0 && d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    /** An option's name without its leading dashes: the dashes are shared by every option and prove nothing. */
    private static String word(String arg) {
        int i = 0;
        while (i < arg.length() && arg.charAt(i) == '-') {
            i++;
        }
        return arg.substring(i);
    }

    /**
     * The edits a typo may take and still be a typo: one in every four letters, at least one from three letters
     * on, none below, so a suggestion shares most of the word ({@code --gpuu}: {@code --gpu}, {@code
     * --ouput-dir}: {@code --output-dir}, {@code simualte}: {@code simulate}; {@code --force} is not
     * {@code --source}).
     */
    static int allowedEdits(String word) {
        return word.length() < 3 ? 0 : Math.max(1, word.length() / 4);
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions turning {@code a} into {@code b}. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
