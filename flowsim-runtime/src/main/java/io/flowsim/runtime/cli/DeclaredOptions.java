package io.flowsim.runtime.cli;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.Options;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options the discovered extensions declare ({@link io.flowsim.api.FlowsimExtension#declaredOptions()}),
 * turned into picocli options: {@code --<extension>.<option>} plus its aliases, on every command
 * that uses the extension's extension point ({@link UsesExtensions}), with help text and type
 * checking; and, after parsing, their values as {@link Options} entries under each option's key.
 */
final class DeclaredOptions {

    /** A command that runs extensions of some extension points: their declared options appear on it. */
    interface UsesExtensions {
        /** The extension points whose extensions this command may run. */
        Set<ExtensionPoint> extensionPoints();
    }

    /** One declaration with the extension points of the extensions that declare it. */
    record Declaration(ExtensionOption<?> option, Set<ExtensionPoint> points, List<String> owners) {
        String pointLabels() {
            return String.join(", ", points.stream().map(ExtensionPoint::label).toList());
        }
    }

    /** An option added to a command. */
    private record Added(CommandSpec command, OptionSpec spec, ExtensionOption<?> option) {
    }

    private final Map<String, Declaration> declarations;
    private final Map<String, String> aliasToKey;
    private final List<Added> added = new ArrayList<>();

    private DeclaredOptions(Map<String, Declaration> declarations) {
        this.declarations = declarations;
        Map<String, String> aliases = new LinkedHashMap<>();
        Map<String, Integer> uses = new LinkedHashMap<>();
        for (Declaration d : declarations.values()) {
            for (String key : d.option().keys().subList(1, d.option().keys().size())) {
                aliases.put(key, d.option().key());
                uses.merge(key, 1, Integer::sum);
            }
        }
        // an alias two extensions claim is no alias for --option KEY=VALUE: neither gets it
        uses.forEach((alias, n) -> {
            if (n > 1 || declarations.containsKey(alias)) {
                aliases.remove(alias);
            }
        });
        this.aliasToKey = aliases;
    }

    /** No declarations (discovery failed or was skipped). */
    static DeclaredOptions none() {
        return new DeclaredOptions(Map.of());
    }

    /**
     * Collects every extension's declarations.
     *
     * @throws FlowsimException {@link ErrorCode#PLUGIN} naming the extension and its origin when a key is
     *                          outside the extension's namespace, or two extensions declare one key
     *                          with different types
     */
    static DeclaredOptions of(ExtensionRegistry registry) {
        Map<String, Declaration> map = new LinkedHashMap<>();
        for (Discovered<?> d : registry.all()) {
            List<ExtensionOption<?>> declared;
            try {
                declared = d.extension().declaredOptions();
            } catch (RuntimeException e) {
                throw new FlowsimException(ErrorCode.PLUGIN, d.point().label() + " '" + d.name() + "' from "
                        + d.origin().describe() + " failed to declare its options: " + e, e);
            }
            for (ExtensionOption<?> o : declared == null ? List.<ExtensionOption<?>>of() : declared) {
                if (!o.namespace().equals(d.name())) {
                    throw new FlowsimException(ErrorCode.PLUGIN, d.point().label() + " '" + d.name() + "' from "
                            + d.origin().describe() + " declares option " + o.longName() + " outside its namespace"
                            + " (keys start with '" + d.name() + ".')");
                }
                Declaration before = map.get(o.key());
                if (before == null) {
                    List<String> owners = new ArrayList<>(List.of(d.origin().describe()));
                    map.put(o.key(), new Declaration(o, EnumSet.of(d.point()), owners));
                } else if (!before.option().equals(o)) {
                    throw new FlowsimException(ErrorCode.PLUGIN, "option " + o.longName() + " is declared twice with"
                            + " different types, by " + before.owners().get(0) + " and " + d.origin().describe());
                } else {
                    before.points().add(d.point());
                }
            }
        }
        return new DeclaredOptions(map);
    }

    /** Whether {@code key} is a declared option's key or an alias that names exactly one. */
    boolean knows(String key) {
        return declarations.containsKey(key) || aliasToKey.containsKey(key);
    }

        /** Every declaration, in discovery order. */
    List<Declaration> all() {
        return List.copyOf(declarations.values());
    }

    /** The declarations of one extension. */
    List<ExtensionOption<?>> of(String extensionName) {
        List<ExtensionOption<?>> list = new ArrayList<>();
        for (Declaration d : declarations.values()) {
            if (d.option().namespace().equals(extensionName)) {
                list.add(d.option());
            }
        }
        return list;
    }

    /**
     * Adds each declared option to the subcommands that use its extension point (or the commands
     * it is limited to), and lists them all in the root command's help.
     */
    void addTo(CommandLine root) {
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandSpec command = e.getValue().getCommandSpec();
            if (!(command.userObject() instanceof UsesExtensions uses)) {
                continue;
            }
            for (Declaration d : declarations.values()) {
                ExtensionOption<?> o = d.option();
                boolean applies = o.commands().isEmpty()
                        ? d.points().stream().anyMatch(uses.extensionPoints()::contains)
                        : o.commands().contains(e.getKey());
                if (applies) {
                    add(command, o, !o.commands().isEmpty());
                }
            }
        }
        if (!declarations.isEmpty()) {
            List<String> footer = new ArrayList<>(List.of(root.getCommandSpec().usageMessage().footer()));
            footer.add("");
            footer.add("Plugin options, on the commands that use each extension");
            footer.add("('flowsim plugins' and each command's --help describe them):");
            Map<String, List<String>> byExtension = new LinkedHashMap<>();
            for (Declaration d : declarations.values()) {
                String owner = d.option().namespace() + " (" + d.pointLabels() + "):";
                String names = d.option().longName() + (d.option().aliases().isEmpty() ? ""
                        : " (" + String.join(", ", d.option().aliases()) + ")");
                byExtension.computeIfAbsent(owner, k -> new ArrayList<>()).add(names);
            }
            byExtension.forEach((owner, names) -> {
                footer.add("  " + owner);
                names.forEach(n -> footer.add("    " + n));
            });
            root.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        }
    }

    private void add(CommandSpec command, ExtensionOption<?> o, boolean enforceRequired) {
        List<String> names = new ArrayList<>();
        for (String name : o.keys().size() == 1 ? List.of(o.longName()) : allNames(o)) {
            if (!command.optionsMap().containsKey(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty() || !names.get(0).equals(o.longName())) {
            // another option of this command already has the namespaced name: leave this one off
            return;
        }
        boolean bool = o.type() == ExtensionOption.Type.BOOLEAN;
        OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new))
                .paramLabel(o.paramLabel())
                .description(helpText(o, true))
                .required(enforceRequired && o.isRequired() && o.defaultValue().isEmpty())
                .arity(bool ? "0..1" : "1")
                .converters(value -> {
                    try {
                        o.convert(value);
                    } catch (IllegalArgumentException ex) {
                        throw new CommandLine.TypeConversionException(ex.getMessage());
                    }
                    return value;
                });
        if (bool) {
            b.fallbackValue("true");
        }
        if (o.isRepeatable()) {
            b.type(List.class).auxiliaryTypes(String.class);
        } else {
            b.type(String.class);
        }
        OptionSpec spec = b.build();
        command.addOption(spec);
        added.add(new Added(command, spec, o));
    }

    private static List<String> allNames(ExtensionOption<?> o) {
        List<String> names = new ArrayList<>();
        names.add(o.longName());
        names.addAll(o.aliases());
        return names;
    }

    /** {@code --key=LABEL} (with {@code [--alias]} forms), as help shows it. */
    static String synopsis(ExtensionOption<?> o) {
        String label = o.type() == ExtensionOption.Type.BOOLEAN ? "[=BOOLEAN]" : "=" + o.paramLabel();
        StringBuilder s = new StringBuilder(o.longName()).append(label);
        if (!o.aliases().isEmpty()) {
            s.append(" (alias ").append(String.join(", ", o.aliases())).append(')');
        }
        return s.toString();
    }

    /** The description with the default, repeatability and requiredness. */
    static String helpText(ExtensionOption<?> o, boolean withNamespace) {
        StringBuilder s = new StringBuilder();
        if (withNamespace) {
            s.append(o.namespace()).append(": ");
        }
        s.append(o.description());
        List<String> notes = new ArrayList<>();
        if (o.defaultValue().isPresent()) {
            notes.add("default: " + o.defaultText());
        }
        if (o.isRequired()) {
            notes.add("required");
        }
        if (o.isRepeatable()) {
            notes.add("repeatable");
        }
        if (!notes.isEmpty()) {
            s.append(" (").append(String.join("; ", notes)).append(')');
        }
        return s.toString();
    }

    /**
     * Adds the values of the declared options given on the command line to {@code options}, under
     * each option's key, and moves values given as {@code --option ALIAS=VALUE} to their key.
     */
    Options.Builder collect(Options given) {
        Options.Builder out = Options.builder();
        given.values().forEach((key, list) -> {
            String canonical = aliasToKey.getOrDefault(key, key);
            list.forEach(v -> out.add(canonical, v));
        });
        for (Added a : added) {
            CommandLine cl = a.command().commandLine();
            ParseResult pr = cl == null ? null : cl.getParseResult();
            if (pr == null || !pr.hasMatchedOption(a.spec())) {
                continue;
            }
            Object value = a.spec().getValue();
            if (value instanceof List<?> list) {
                list.forEach(v -> out.add(a.option().key(), String.valueOf(v)));
            } else if (value != null) {
                out.add(a.option().key(), String.valueOf(value));
            }
        }
        return out;
    }
}
