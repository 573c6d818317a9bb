package io.flowsim.plugin.kernels;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.RunContext;

import java.nio.file.Path;
import java.util.List;

/**
 * Resolves kernels against kernels.json databases: the bundled one, then every
 * {@code --kernels FILE} in order (later files override earlier ones). Matches by exact kernel
 * name, then by name pattern, then by launching operator, and falls back to built-in heuristics
 * (marked as such). The format is documented in docs/kernels-json.md.
 */
public final class KernelsJsonResolver implements KernelResolver {

    @Override
    public String name() {
        return "kernels-json";
    }

    @Override
    public String description() {
        return "Resolves kernels against kernels.json databases (bundled + --kernels FILE): names, patterns, operators";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(KernelDatabase.KERNELS, KernelDatabase.BUNDLED);
    }

    @Override
    public ResolverSession open(RunContext context) {
        KernelDatabase database = KernelDatabase.load(context);
        context.reporter().debug("kernels-json: databases " + database.origins());
        // the user's databases are inputs of the run: an output of the same name (an edited
        // unknown_kernels.json fed back with --kernels into the same --output-dir) must not replace them
        AtomicOutput.Inputs inputs = AtomicOutput.protectInputs(context.options().getAll(KernelDatabase.KERNELS));
        return new KernelsJsonSession(name(), database, context.reporter(), inputs);
    }

    @Override
    public boolean canCheck() {
        return true;
    }

    @Override
    public List<String> check(Path database, RunContext context) {
        return KernelDatabase.readFile(database).problems();
    }
}
