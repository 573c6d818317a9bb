package io.flowsim.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * "Did you mean" for a misspelt command or option: among picocli's suggestions for the argument it could
 * not match ({@link CommandLine.UnmatchedArgumentException#getSuggestions()}: subcommands by similarity,
 * options sharing the first letters) and the command's other visible options or subcommands, the nearest
 * by edit distance of the words without their dashes, when it is near enough to be a typo ({@link
 * #allowedEdits}); else, for an option, the options whose name holds every word of the one typed, a word
 * matching as itself, a typo of itself or a near-synonym ({@link #SYNONYMS}): {@code --my-backend-endpoint} is
 * {@code --my-backend.server-url}, {@code --threads} is {@code --jobs}.
 */
final class Suggestions {

    /**
     * Words a user plausibly types for a word of an option's name; each group is one meaning. A group holds
     * words, not options: a plugin's {@code --my-backend.server-url} is found from {@code --my-backend-endpoint}
     * as the runtime's {@code --output-dir} is from {@code --out-folder}.
     */
    static final List<Set<String>> SYNONYMS = List.of(
            Set.of("url", "uri", "endpoint", "address", "addr", "host", "server"),
            Set.of("output", "out"),
            Set.of("dir", "directory", "folder", "path"),
            Set.of("file", "path"),
            Set.of("jobs", "threads", "workers", "parallel", "parallelism", "concurrency"),
            Set.of("gpu", "device", "accelerator"),
            Set.of("backend", "simulator", "engine"),
            Set.of("timeout", "deadline"));

    /** The most options a hint names; more that fit equally well are no hint. */
    static final int MAX_HINTS = 3;

    private Suggestions() {
    }

    /**
     * {@code " (did you mean 'simulate'?)"} (or {@code " (did you mean '--trace-file' or '--trace-dir'?)"}) for a
     * parameter error with near suggestions, else empty.
     */
    static String didYouMean(CommandLine.ParameterException ex) {
        List<String> hints = hints(ex);
        return hints.isEmpty() ? "" : " (did you mean '" + String.join("' or '", hints) + "'?)";
    }

    /** The typo's correction ({@link #nearest}), else the options whose name has the typed words ({@link #byWords}). */
    static List<String> hints(CommandLine.ParameterException ex) {
        Optional<String> typo = nearest(ex);
        if (typo.isPresent()) {
            return List.of(typo.get());
        }
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()
                || ex.getCommandLine() == null || !unmatched.getUnmatched().get(0).startsWith("-")) {
            return List.of();
        }
        return byWords(optionName(unmatched.getUnmatched().get(0)), ex.getCommandLine().getCommandSpec());
    }

    /**
     * The visible options of {@code spec} with a name that holds every word of {@code typed} (words split at
     * dashes, dots and underscores; each typed word matching a different word of the name as itself, a typo of
     * itself or a synonym) and no more other words than typed ones (one shared word in three is chance:
     * {@code --output} is not {@code --held-out-fraction}), those with the fewest words left over first, then
     * the fewest edits; one name per option, at most {@link #MAX_HINTS} options, none when more fit equally
     * well.
     */
    static List<String> byWords(String typed, CommandSpec spec) {
        List<String> words = words(typed);
        if (words.isEmpty()) {
            return List.of();
        }
        long best = Long.MAX_VALUE;
        List<String> hints = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            long optionBest = Long.MAX_VALUE;
            String bestName = null;
            for (String name : o.names()) {
                long cost = cost(words, words(name));
                if (cost < optionBest) {
                    optionBest = cost;
                    bestName = name;
                }
            }
            if (optionBest == Long.MAX_VALUE || optionBest > best) {
                continue;
            }
            if (optionBest < best) {
                best = optionBest;
                hints.clear();
            }
            hints.add(bestName);
        }
        return hints.size() <= MAX_HINTS ? List.copyOf(hints) : List.of();
    }

    /**
     * How far a name is from the typed words: its words no typed word matched (the first measure) and the edits
     * of the typos (the second); {@link Long#MAX_VALUE} when a typed word matches none of its words, or more of
     * its words are left over than were typed.
     */
    private static long cost(List<String> typed, List<String> name) {
        List<String> left = new ArrayList<>(name);
        long edits = 0;
        for (String t : typed) {
            int at = -1;
            int atEdits = Integer.MAX_VALUE;
            for (int i = 0; i < left.size(); i++) {
                int e = wordEdits(t, left.get(i));
                if (e < atEdits) {
                    atEdits = e;
                    at = i;
                }
            }
            if (at < 0 || atEdits > allowedEdits(t)) {
                return Long.MAX_VALUE;
            }
            left.remove(at);
            edits += atEdits;
        }
        if (left.size() > typed.size()) {
            return Long.MAX_VALUE;
        }
        return ((long) left.size() << 32) + edits;
    }

    /** 0 for the same word or synonyms, else the edit distance. */
    private static int wordEdits(String typed, String word) {
        if (typed.equals(word) || SYNONYMS.stream().anyMatch(g -> g.contains(typed) && g.contains(word))) {
            return 0;
        }
        return editDistance(typed, word);
    }

    /** The lower-case words of an option's name: {@code --my-backend.server-url} is my, backend, server, url. */
    static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        for (String w : name.toLowerCase(Locale.ROOT).split("[-._]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
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
