package io.flowsim.runtime.cli;

import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.PrintableText;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flowsim plugins}: every discovered extension with its origin. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        header = "List the extensions FlowSim found and the options they declare.",
        description = "List the extensions FlowSim found: name, extension point, description, version, origin;"
            + " then the options each extension declares (type, default, description, aliases).")
final class PluginsCommand implements Callable<Integer> {

    @ParentCommand
    FlowsimCommand root;

    @Override
    public Integer call() {
        try (ExtensionRegistry registry = root.discover()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "EXTENSION POINT", "VERSION", "ORIGIN", "DESCRIPTION"});
            for (Discovered<?> d : registry.all()) {
                rows.add(new String[] {d.name(), d.point().label(), d.origin().version(), d.origin().describe(),
                    d.extension().description()});
            }
            TextTable.print(root.out, rows);
            if (registry.all().isEmpty()) {
                root.out.println("(no extensions found)");
            }
            printOptions(registry);
            if (!registry.failures().isEmpty()) {
                root.out.println();
                root.out.println("Not loaded:");
                registry.failures().forEach(f -> root.out.println("  " + PrintableText.of(f.describe())));
            }
        }
        return 0;
    }

    /** Each extension's declared options, one block per extension that has any. */
    private void printOptions(ExtensionRegistry registry) {
        DeclaredOptions declared = DeclaredOptions.of(registry);
        boolean header = false;
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (Discovered<?> d : registry.all()) {
            List<io.flowsim.api.ExtensionOption<?>> options = declared.of(d.name());
            if (options.isEmpty() || !shown.add(d.name())) {
                continue;
            }
            if (!header) {
                root.out.println();
                root.out.println("Options (--KEY VALUE on the commands that use the extension, or -O KEY=VALUE):");
                header = true;
            }
            root.out.println("  " + d.name() + " (" + d.point().label() + ")");
            List<String[]> rows = new ArrayList<>();
            for (io.flowsim.api.ExtensionOption<?> o : options) {
                rows.add(new String[] {"    " + DeclaredOptions.synopsis(o), DeclaredOptions.helpText(o, false)});
            }
            TextTable.print(root.out, rows);
        }
    }
}
