package io.flowsim.plugin.kernels;

import io.flowsim.api.KernelResolver;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.RunContext;

/**
 * Resolves kernels against {@code kernels.json} databases: the bundled one, then every
 * {@code --kernels FILE} in order (later files override earlier ones).
 *
 * <p>This first version matches exact kernel names, then the launching operator's name against
 * {@code kernel_implementation}.
 */
public final class KernelsJsonResolver implements KernelResolver {

    @Override
    public String name() {
        return "kernels-json";
    }

    @Override
    public String description() {
        return "Resolves kernels against kernels.json databases (bundled + --kernels FILE)";
    }

    @Override
    public ResolverSession open(RunContext context) {
        return new KernelsJsonSession(name(), KernelDatabase.load(context));
    }
}
