package io.flowsim.runtime.cli;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.Progress;
import io.flowsim.api.RunContext;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.PrintableText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flowsim kernels}: work with kernel databases. */
@Command(name = Progress.KERNELS, mixinStandardHelpOptions = true,
        description = "Work with kernel databases (kernels.json).",
        subcommands = KernelsCommand.Check.class)
final class KernelsCommand implements Callable<Integer> {

    @ParentCommand
    FlowsimCommand root;

    @Override
    public Integer call() {
        throw FlowsimException.usage("missing subcommand; try 'flowsim kernels check FILE'");
    }

    /** {@code flowsim kernels check FILE...}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate kernel database files; print every problem with its entry index and field.")
    static final class Check implements Callable<Integer> {

        @ParentCommand
        KernelsCommand parent;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Database files to check.")
        List<Path> files;

        @Option(names = "--resolver", paramLabel = "NAME", defaultValue = "kernels-json",
                description = "The resolver whose database format to check (default: ${DEFAULT-VALUE}).")
        String resolver;

        @Override
        public Integer call() {
            FlowsimCommand root = parent.root;
            try (ExtensionRegistry registry = root.discover()) {
                KernelResolver r = registry.require(ExtensionPoint.KERNEL_RESOLVER, KernelResolver.class, resolver);
                if (!r.canCheck()) {
                    throw FlowsimException.usage("kernel resolver '" + resolver + "' cannot check databases");
                }
                RunContext context = RunContext.of(root.options().build(), root.reporter(), null);
                int problems = 0;
                for (Path file : files) {
                    List<String> found = r.check(file, context);
                    if (found.isEmpty()) {
                        root.out.println(PrintableText.of(file) + ": OK");
                    }
                    for (String p : found) {
                        root.out.println(PrintableText.of(p));
                    }
                    problems += found.size();
                }
                if (problems > 0) {
                    throw new FlowsimException(ErrorCode.BAD_INPUT, problems + " problem"
                            + (problems == 1 ? "" : "s") + " found");
                }
            }
            return 0;
        }
    }
}
