package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;

import java.util.Optional;

/**
 * A {@link KernelResolver} configured for one run. Used from one thread at a time.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface ResolverSession extends AutoCloseable {

    /**
     * Resolves one kernel, or returns empty when this resolver does not know it. A result whose
     * {@link io.flowsim.api.model.Resolution#source()} is {@code HEURISTIC} is a guess: the runtime
     * keeps asking later resolvers for a better answer and uses the guess only if none has one.
     */
    Optional<ResolvedKernel> resolve(KernelRecord kernel);

    /** Releases resources. */
    @Override
    default void close() {
    }
}
