package io.flowsim.runtime.fakes;

import io.flowsim.api.KernelResolver;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test-only resolver: kernels named {@code gemm_<M>x<N>x<K>} are GEMMs with those operands,
 * resolved "from a database"; names starting with {@code guess_} get a heuristic answer; anything
 * else is unknown.
 */
public final class FakeResolver implements KernelResolver {

    @Override
    public String name() {
        return "fake-resolver";
    }

    @Override
    public String description() {
        return "test-only resolver";
    }

    @Override
    public ResolverSession open(RunContext context) {
        return kernel -> {
            String n = kernel.name();
            if (n.startsWith("gemm_")) {
                String[] mnk = n.substring(5).split("x");
                long m = Long.parseLong(mnk[0]);
                long nn = Long.parseLong(mnk[1]);
                long k = Long.parseLong(mnk[2]);
                return Optional.of(new ResolvedKernel(kernel, OperationFamily.GEMM, "matmul", "C = A @ B", "",
                        List.of(), List.of(new Operand("A", Direction.INPUT, List.of(m, k), DataType.BF16, ""),
                        new Operand("B", Direction.INPUT, List.of(k, nn), DataType.BF16, "")),
                        new Resolution(ResolutionSource.EXACT_NAME, name(), "fake#gemm"), Map.of()));
            }
            if (n.startsWith("guess_")) {
                return Optional.of(new ResolvedKernel(kernel, OperationFamily.ELEMENTWISE, "guess", "", "", List.of(),
                        List.of(), new Resolution(ResolutionSource.HEURISTIC, name(), "fake heuristic"), Map.of()));
            }
            return Optional.empty();
        };
    }
}
