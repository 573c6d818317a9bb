package ${package};

import io.flowsim.api.KernelResolver;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.ShapeSource;
import io.flowsim.testkit.ExtensionHarness;
import io.flowsim.testkit.TestKernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the resolver through flowsim-testkit's harness, the way FlowSim's pipeline runs it. */
class PrefixKernelResolverTest {

    private final TestKernels kernels = new TestKernels();

    /** A kernel launched by an operator with a bf16 [1024, 4096] input and a [4096] weight, as a profiler records it. */
    private KernelRecord launchedWithShapes(String name) {
        OperatorCall op = new OperatorCall("my_lib::rmsnorm", OptionalLong.of(1), List.of(
                OperatorInput.of("c10::BFloat16", Dims.of(1024, 4096)), OperatorInput.of("c10::BFloat16", Dims.of(4096))),
                ShapeSource.PROFILER);
        return kernels.kernel(name, 5_000).operator(op).build();
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertTrue(ServiceLoader.load(KernelResolver.class).stream()
                .anyMatch(p -> p.get().name().equals(PrefixKernelResolver.NAME)), "META-INF/services lists the resolver");
    }

    @Test
    void resolvesAKernelWithThePrefixIntoAnRmsNormWithOperandsFromItsOperator() {
        ResolvedKernel k = ExtensionHarness.of(new PrefixKernelResolver())
                .resolve(launchedWithShapes("my_rmsnorm_bf16_kernel")).get(0).orElseThrow();
        assertEquals(OperationFamily.NORM, k.family());
        assertEquals("rms_norm", k.opMapping());
        assertEquals(ResolutionSource.NAME_PATTERN, k.resolution().source());
        assertEquals(PrefixKernelResolver.NAME, k.resolution().resolver());
        assertEquals(List.of(OperandRoles.INPUT, OperandRoles.WEIGHT, OperandRoles.OUTPUT),
                k.operands().stream().map(Operand::name).toList());
        assertEquals(List.of(1024L, 4096L), k.operands().get(2).shape());
        assertEquals(DataType.BF16, k.operands().get(0).dataType());
    }

    @Test
    void leavesOtherKernelsToTheRestOfTheChain() {
        assertEquals(Optional.empty(), ExtensionHarness.of(new PrefixKernelResolver())
                .resolve(launchedWithShapes("ampere_bf16_s16816gemm")).get(0));
    }

    @Test
    void theDeclaredPrefixReachesTheResolver() {
        ExtensionHarness harness = ExtensionHarness.of(new PrefixKernelResolver())
                .option(PrefixKernelResolver.KERNEL_PREFIX, "fused_norm_");
        List<Optional<ResolvedKernel>> resolved = harness.resolve(launchedWithShapes("fused_norm_v2"),
                launchedWithShapes("my_rmsnorm_bf16_kernel"));
        assertTrue(resolved.get(0).isPresent(), "the configured prefix matches");
        assertTrue(resolved.get(1).isEmpty(), "the default prefix no longer does");
    }

    @Test
    void aShapePastALongIsTheKernelsProblemNotAnException() {
        OperatorCall op = new OperatorCall("my_lib::rmsnorm", OptionalLong.of(1), List.of(
                OperatorInput.of("c10::BFloat16", Dims.of(1L << 40, 1L << 40))), ShapeSource.PROFILER);
        ResolvedKernel k = ExtensionHarness.of(new PrefixKernelResolver())
                .resolve(kernels.kernel("my_rmsnorm_bf16_kernel", 5_000).operator(op).build()).get(0).orElseThrow();
        assertTrue(k.operands().isEmpty(), "no operand is made of a shape past a long");
        assertTrue(k.attributes().get(Attributes.OPERANDS_PROBLEM.name()).contains("[1099511627776, 1099511627776]"),
                "the problem names the shape");
    }

    @Test
    void aKernelWithoutRecordedShapesIsResolvedWithoutOperands() {
        ResolvedKernel k = ExtensionHarness.of(new PrefixKernelResolver())
                .resolve(kernels.kernel("my_rmsnorm_fp32", 1_000).build()).get(0).orElseThrow();
        assertEquals(OperationFamily.NORM, k.family());
        assertTrue(k.operands().isEmpty(), "no operands are made up");
    }
}
