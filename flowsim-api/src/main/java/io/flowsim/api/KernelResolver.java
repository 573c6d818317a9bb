package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.List;

/**
 * Turns kernel records into resolved kernels: operation family, op mapping, operands with roles.
 *
 * <p>The runtime asks resolvers in a chain, highest {@link #priority()} first (or in the order the
 * user gives with {@code --resolver}); the first database answer wins, a heuristic answer is kept
 * only if no resolver has a database answer, and kernels nobody knows are kept as unresolved.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface KernelResolver extends FlowsimExtension {

    /**
     * Prepares the resolver for one run (loading and validating its databases).
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the file, entry and field when a
     *                          database is invalid
     */
    ResolverSession open(RunContext context);

    /** Position in the default chain: higher goes first. Bundled resolvers use 0. */
    default int priority() {
        return 0;
    }

    /** Whether this resolver can check a database file ({@code flowsim kernels check}). */
    default boolean canCheck() {
        return false;
    }

    /**
     * Checks a database file and returns its problems, each a one-line message naming the file,
     * entry and field; an empty list means the file is valid.
     */
    default List<String> check(Path database, RunContext context) {
        throw FlowsimException.unsupported(this, "checking databases");
    }
}
