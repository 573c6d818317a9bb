package io.flowsim.runtime.pipeline;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.runtime.discovery.Discovered;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ordered resolver chain: the first database answer wins; a heuristic answer is kept only when
 * no resolver has a database answer; kernels nobody knows stay, as unresolved.
 */
public final class ResolverChain implements AutoCloseable {

    private final List<Link> links;

    /** One open session with the resolver it came from, to name it when it throws. */
    private record Link(ResolverSession session, Discovered<KernelResolver> resolver) {
    }

    private ResolverChain(List<Link> links) {
        this.links = links;
    }

    /**
     * Orders resolvers: the names given, in that order; with no names, every resolver by descending
     * {@link KernelResolver#priority()}, ties in discovery order.
     */
    public static List<Discovered<KernelResolver>> order(List<Discovered<KernelResolver>> available,
                                                         List<String> names) {
        if (names.isEmpty()) {
            List<Discovered<KernelResolver>> sorted = new ArrayList<>(available);
            sorted.sort(Comparator.comparingInt((Discovered<KernelResolver> d) -> d.extension().priority()).reversed());
            return sorted;
        }
        List<Discovered<KernelResolver>> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(available.stream().filter(d -> d.name().equals(name)).findFirst()
                    .orElseThrow(() -> FlowsimException.usage("no kernel resolver named '" + name + "' is installed"
                            + " (available: " + String.join(", ", available.stream().map(Discovered::name).toList())
                            + ")")));
        }
        return chosen;
    }

    /** Opens a session of every resolver, in order; closes those already open if one fails. */
    public static ResolverChain open(List<Discovered<KernelResolver>> ordered, RunContext context) {
        List<Link> links = new ArrayList<>();
        Discovered<KernelResolver> opening = null;
        try {
            for (Discovered<KernelResolver> d : ordered) {
                opening = d;
                links.add(new Link(d.extension().open(context), d));
            }
        } catch (RuntimeException | LinkageError e) {
            links.forEach(l -> l.session().close());
            if (e instanceof FlowsimException f) {
                throw f;
            }
            throw PluginFailure.of(opening, "failed to open", e);
        }
        return new ResolverChain(links);
    }

    /** Resolves one kernel through the chain. Never returns null. */
    public ResolvedKernel resolve(KernelRecord kernel) {
        ResolvedKernel guess = null;
        for (Link link : links) {
            Optional<ResolvedKernel> answer;
            try {
                answer = link.session().resolve(kernel);
            } catch (FlowsimException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                // a third-party resolver that throws on one kernel (an Operand it built from a hostile shape,
                // a bug) stops the run with one line naming it and the kernel, not an anonymous internal error
                throw PluginFailure.of(link.resolver(), "failed on kernel " + PluginFailure.kernel(kernel), e);
            }
            if (answer == null) {
                throw PluginFailure.of(link.resolver(), "returned null instead of an Optional for kernel "
                        + PluginFailure.kernel(kernel), null);
            }
            if (answer.isEmpty()) {
                continue;
            }
            ResolvedKernel resolved = answer.get();
            if (resolved.kernel() != kernel && !resolved.kernel().equals(kernel)) {
                throw PluginFailure.of(link.resolver(), "returned a different kernel record for kernel "
                        + PluginFailure.kernel(kernel), null);
            }
            ResolutionSource source = resolved.resolution().source();
            if (source.isDatabase()) {
                return resolved;
            }
            if (source == ResolutionSource.HEURISTIC && guess == null) {
                guess = resolved;
            }
        }
        return guess != null ? guess : ResolvedKernel.unresolved(kernel);
    }

    @Override
    public void close() {
        links.forEach(l -> l.session().close());
    }
}
