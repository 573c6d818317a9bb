package io.flowsim.runtime.cli;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.PluginDiscovery;
import io.flowsim.runtime.pipeline.PrintableText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** The top-level {@code flowsim} command: global options and the subcommands. */
@Command(name = "flowsim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {
            "FlowSim turns LLM-inference profiles into kernel-level performance data and simulates it:",
            "profile (a server under the PyTorch profiler) -> parse (link every GPU kernel to its operator and shapes,"
                    + " resolve it) -> simulate (predict each kernel's duration and compare).",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal failure (a bug; rerun with --verbose and report it)",
            "2:usage error or bad input (missing or malformed file, broken plugin, an output that cannot be written)",
            "3:an external service or program is unavailable; simulate, validate: the backend predicted nothing",
            "4:partly done: simulate, validate: the backend failed on some kernels; spark: some traces failed"
                    + " (the outputs are complete and mark them)",
            "130/143:interrupted (Ctrl-C) / terminated (SIGTERM)"})
final class FlowsimCommand implements Callable<Integer> {

    /**
     * The subcommands, in the order help lists them. They are added to the command line by
     * {@link #commandLine(PrintStream, PrintStream, boolean, String[])}: only the one a command line
     * names, so a run does not build the option model of the nine it does not use.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            PluginsCommand.class,
            ParseCommand.class,
            SimulateCommand.class,
            CompareCommand.class,
            ProfileCommand.class,
            MergeCommand.class,
            KernelsCommand.class,
            ValidateCommand.class,
            CalibrateCommand.class,
            BenchCommand.class,
            SparkCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class);

    /** Global options that take a value, so that value is not taken for a subcommand's name. */
    private static final Set<String> OPTIONS_WITH_VALUES = Set.of("--plugins-dir", "-O", "--option");

    @Spec
    CommandSpec spec;

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "A directory of extra PF4J plugins (jar, zip or directory plugins); repeatable. "
                    + "The distribution's bundled plugins/ directory is always searched first.")
    List<Path> pluginDirectories = new ArrayList<>();

    @Option(names = "--no-bundled-plugins", scope = ScopeType.INHERIT,
            description = "Do not load the plugins bundled in the distribution's plugins/ directory.")
    boolean noBundledPlugins;

    @Option(names = "--ignore-broken-plugins", scope = ScopeType.INHERIT,
            description = "Run without plugins that fail to load (default: stop with an error naming the plugin).")
    boolean ignoreBrokenPlugins;

    @Option(names = {"-O", "--option"}, paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT,
            converter = KeyValueConverter.class,
            description = "An option for plugins, e.g. -O my-backend.url=http://host; repeatable.")
    List<String[]> pluginOptions = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "No progress or informational messages (warnings and errors still show).")
    boolean quiet;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Debug messages, and stack traces with errors.")
    boolean verbose;

    PrintStream out = System.out;
    PrintStream err = System.err;
    boolean interactive;
    private ConsoleReporter reporter;
    /** Discovered before the command model was built (for the declared options); handed to the command. */
    private ExtensionRegistry discovered;
    private FlowsimException discoveryFailure;
    private boolean handedOut;
    private DeclaredOptions declaredOptions = DeclaredOptions.none();

    /** Builds the command line with every subcommand and FlowSim's error handling, without plugin options. */
    static CommandLine commandLine(PrintStream out, PrintStream err, boolean interactive) {
        return commandLine(out, err, interactive, null);
    }

    /**
     * Builds the command line for {@code args}: with only the subcommand they name (when they name
     * one, other than {@code help}), else with every subcommand, so root help and errors list them all.
     * The extensions are discovered first (with the plugin directories {@code args} names) so that
     * their declared options become options of the commands. A discovery failure is kept and reported
     * when the command runs, so {@code --help} still works. With {@code args} null, nothing is
     * discovered up front.
     */
    static CommandLine commandLine(PrintStream out, PrintStream err, boolean interactive, String[] args) {
        FlowsimCommand root = new FlowsimCommand();
        root.out = out;
        root.err = err;
        root.interactive = interactive;
        if (args != null && !asksOnlyForVersion(args)) {
            root.discoverEarly(args);
        }
        CommandLine cl = new CommandLine(root);
        Class<?> only = args == null ? null : namedSubcommand(args);
        for (Class<?> sub : SUBCOMMANDS) {
            if (only == null || sub == only) {
                cl.addSubcommand(sub);
            }
        }
        root.declaredOptions.addTo(cl);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(root, ex));
        cl.setParameterExceptionHandler((ex, unmatched) -> {
            if (root.discoveryFailure != null) {
                // a plugin that failed to load explains an unknown option better than picocli can
                return handle(root, root.discoveryFailure);
            }
            CommandLine c = ex.getCommandLine();
            java.util.Optional<String> misplaced = Suggestions.misplacedOption(ex);
            if (misplaced.isPresent()) {
                c.getErr().println("flowsim: " + PrintableText.of(misplaced.get()));
                return ErrorCode.USAGE.exitCode();
            }
            c.getErr().println("flowsim: " + PrintableText.of(ex.getMessage() + Suggestions.didYouMean(ex)));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ErrorCode.USAGE.exitCode();
        });
        return cl;
    }

    /** The subcommand the first positional argument names; null for none, an unknown name, or help. */
    static Class<?> namedSubcommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (a.startsWith("-")) {
                if (OPTIONS_WITH_VALUES.contains(a)) {
                    i++;
                }
                continue;
            }
            for (Class<?> sub : SUBCOMMANDS) {
                Command c = sub.getAnnotation(Command.class);
                if (c != null && c.name().equals(a) && sub != CommandLine.HelpCommand.class) {
                    return sub;
                }
            }
            return null;
        }
        return null;
    }

    private static int handle(FlowsimCommand root, Exception ex) {
        Throwable t = ex;
        if (t instanceof FlowsimException fe) {
            root.err.println("flowsim: " + oneLine(fe.getMessage()));
            if (root.verbose) {
                fe.printStackTrace(root.err);
            }
            return fe.code().exitCode();
        }
        if (t instanceof UncheckedIOException io) {
            root.err.println("flowsim: " + oneLine(io.getMessage() + ": " + io.getCause().getMessage()));
            if (root.verbose) {
                io.printStackTrace(root.err);
            }
            return ErrorCode.BAD_INPUT.exitCode();
        }
        root.err.println("flowsim: internal error: " + oneLine(String.valueOf(t))
                + (root.verbose ? "" : " (rerun with --verbose for the stack trace, and please report it)"));
        if (root.verbose) {
            t.printStackTrace(root.err);
        }
        return ErrorCode.INTERNAL.exitCode();
    }

    private static String oneLine(String s) {
        return s == null ? "" : PrintableText.of(s);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return ErrorCode.USAGE.exitCode();
    }

    /** The reporter for this invocation. */
    ConsoleReporter reporter() {
        if (reporter == null) {
            reporter = new ConsoleReporter(err, quiet, verbose, interactive);
        }
        return reporter;
    }

    /**
     * Options every extension receives: the global {@code --option KEY=VALUE} values (an alias key
     * moved to its option's key) and the values of the extensions' declared options.
     */
    Options.Builder options() {
        Options.Builder b = Options.builder();
        for (String[] kv : pluginOptions) {
            b.add(kv[0], kv[1]);
        }
        warnUndeclaredOnce();
        return declaredOptions.collect(b.build());
    }

    private boolean undeclaredWarned;
    private boolean somePluginNotLoaded;

    /**
     * A {@code --option KEY=VALUE} whose key no discovered extension declares (nor as an alias) still
     * reaches every extension, since one may read keys it does not declare; but a misspelt key, or a
     * profile parameter given as an option, would otherwise be ignored without a word. Once per run,
     * and not when discovery failed or a plugin did not load (the key may be that plugin's).
     */
    private void warnUndeclaredOnce() {
        if (undeclaredWarned || discoveryFailure != null || declaredOptions.all().isEmpty() || somePluginNotLoaded) {
            return;
        }
        undeclaredWarned = true;
        Set<String> keys = new LinkedHashSet<>();
        for (String[] kv : pluginOptions) {
            if (!declaredOptions.knows(kv[0]) && !CommandOptionKey.isCommandKey(kv[0])) {
                keys.add(kv[0]);
            }
        }
        for (String key : keys) {
            reporter().warn("--option " + key + ": no installed plugin declares this option, so it may have no effect"
                    + " ('flowsim plugins' lists the options; a hardware profile's parameters are changed with"
                    + " --hardware FILE, docs/hardware-profiles.md)");
        }
    }

    /** The options the discovered extensions declare. */
    DeclaredOptions declaredOptions() {
        return declaredOptions;
    }

    /**
     * Every extension: the class path, the bundled plugins, then each --plugins-dir. The registry
     * discovered before parsing is handed over (the caller closes it); a later call discovers again.
     */
    ExtensionRegistry discover() {
        if (discoveryFailure != null) {
            FlowsimException e = discoveryFailure;
            discoveryFailure = null;
            throw e;
        }
        reporter(); // set up before discovery, which reports its directories at debug level
        ExtensionRegistry registry;
        if (discovered != null && !handedOut) {
            handedOut = true;
            registry = discovered;
            reporter().debug("plugin directories: " + pluginDirectories(noBundledPlugins, pluginDirectories));
            bundledPluginsDirectory().flatMap(dir -> sharedBundledPlugins(dir, !noBundledPlugins))
                    .ifPresent(sp -> reporter().debug("bundled plugins on the class path: " + sp.ids()));
        } else {
            registry = discover(noBundledPlugins, pluginDirectories, ignoreBrokenPlugins);
        }
        registry.failures().forEach(f -> reporter().warn("plugin not loaded: " + f.describe()));
        somePluginNotLoaded |= !registry.failures().isEmpty();
        return registry;
    }

    /** Closes the registry discovered before parsing when no command took it (help, usage errors). */
    void closeUnused() {
        if (discovered != null && !handedOut) {
            handedOut = true;
            discovered.close();
        }
    }

    /** Discovers with the bundled plugins (unless {@code noBundled}) and {@code extra} directories. */
    private ExtensionRegistry discover(boolean noBundled, List<Path> extra, boolean tolerate) {
        List<Path> dirs = pluginDirectories(noBundled, extra);
        Optional<PluginDiscovery.SharedPlugins> shared = bundledPluginsDirectory().flatMap(
                dir -> sharedBundledPlugins(dir, !noBundled));
        if (reporter != null) {
            reporter.debug("plugin directories: " + dirs);
            shared.ifPresent(sp -> reporter.debug("bundled plugins on the class path: " + sp.ids()));
        }
        return PluginDiscovery.discover(new PluginDiscovery.Settings(dirs, FlowsimCommand.class.getClassLoader(),
                tolerate, shared));
    }

    private static List<Path> pluginDirectories(boolean noBundled, List<Path> extra) {
        List<Path> dirs = new ArrayList<>();
        if (!noBundled) {
            bundledPluginsDirectory().ifPresent(dirs::add);
        }
        dirs.addAll(extra);
        return dirs;
    }

    /**
     * Discovers before the command model exists: reads {@code --plugins-dir}, {@code --no-bundled-plugins}
     * and {@code --ignore-broken-plugins} from the raw arguments (anywhere before {@code --}).
     */
    private void discoverEarly(String[] args) {
        List<Path> dirs = new ArrayList<>();
        boolean noBundled = false;
        boolean tolerate = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            } else if (a.equals("--no-bundled-plugins")) {
                noBundled = true;
            } else if (a.equals("--ignore-broken-plugins")) {
                tolerate = true;
            } else if (a.equals("--plugins-dir") && i + 1 < args.length) {
                dirs.add(pathOrNull(args[++i]));
            } else if (a.startsWith("--plugins-dir=")) {
                dirs.add(pathOrNull(a.substring("--plugins-dir=".length())));
            }
        }
        if (dirs.contains(null)) {
            return; // picocli reports the bad path when it parses; discover() runs again then
        }
        try {
            discovered = discover(noBundled, dirs, tolerate);
            somePluginNotLoaded = !discovered.failures().isEmpty();
            declaredOptions = DeclaredOptions.of(discovered);
        } catch (FlowsimException e) {
            if (discovered != null) {
                discovered.close();
                discovered = null;
            }
            discoveryFailure = e;
            declaredOptions = DeclaredOptions.none();
        }
    }

    private static Path pathOrNull(String raw) {
        try {
            return Path.of(raw);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** {@code flowsim --version} (or {@code -V}) needs no plugins. */
    private static boolean asksOnlyForVersion(String[] args) {
        for (String a : args) {
            if (a.equals("--version") || a.equals("-V")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bundled plugins the launcher put on the class path (system property
     * {@code flowsim.bundled.classpath}: their ids, comma-separated), so they share one copy of each
     * library and the JVM's class-data archive.
     */
    static Optional<PluginDiscovery.SharedPlugins> sharedBundledPlugins(Path dir, boolean enabled) {
        String ids = System.getProperty("flowsim.bundled.classpath", "").trim();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Set<String> set = new LinkedHashSet<>();
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                set.add(id.trim());
            }
        }
        return Optional.of(new PluginDiscovery.SharedPlugins(dir, set, enabled));
    }

    /** Parses {@code KEY=VALUE}; a value without a key or without {@code =} is a usage error. */
    static final class KeyValueConverter implements CommandLine.ITypeConverter<String[]> {
        @Override
        public String[] convert(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0 || value.substring(0, eq).isBlank()) {
                throw new CommandLine.TypeConversionException("expected KEY=VALUE but got '" + value + "'");
            }
            return new String[] {value.substring(0, eq).trim(), value.substring(eq + 1)};
        }
    }

    /** {@code $FLOWSIM_HOME/plugins} of the distribution, when running from one. */
    static Optional<Path> bundledPluginsDirectory() {
        String home = System.getProperty("flowsim.home");
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        Path dir = Path.of(home, "plugins");
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }
}
