package ${package};

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A FlowSim kernel resolver: tells FlowSim what a kernel does (its operation family, op mapping and
 * operands with roles) so that simulators get the dimensions right. This starting point knows the
 * kernels of one library of yours by their name prefix ({@code --${pluginId}.kernel-prefix}, default
 * {@code my_rmsnorm_}): each is an RMS norm whose input, weight and output shapes come from the
 * launching operator's first two inputs. Replace the rule with yours; a resolver for many kernels
 * would load a database in {@link #open(RunContext)}.
 *
 * <p>FlowSim asks resolvers in a chain, highest {@link #priority()} first; the first database answer
 * wins. This resolver goes before the bundled ones (priority 0), so its answers take precedence.
 */
public final class PrefixKernelResolver implements KernelResolver {

    /** The resolver's name: {@code --resolver ${pluginId}}, and the resolver column of the outputs. */
    public static final String NAME = "${pluginId}";

    /** The name prefix of the kernels this resolver knows. */
    public static final ExtensionOption<String> KERNEL_PREFIX = ExtensionOption
            .string(NAME + ".kernel-prefix", "name prefix of the RMS-norm kernels this resolver knows")
            .withDefault("my_rmsnorm_").paramLabel("PREFIX");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RMS-norm kernels by name prefix (generated from the FlowSim plugin archetype)";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(KERNEL_PREFIX);
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public ResolverSession open(RunContext context) {
        String prefix = context.options().get(KERNEL_PREFIX);
        Resolution resolution = new Resolution(ResolutionSource.NAME_PATTERN, NAME, "name prefix " + prefix);
        return kernel -> {
            if (!kernel.name().startsWith(prefix)) {
                return Optional.empty();
            }
            List<Operand> operands;
            Map<String, String> attributes = Map.of();
            try {
                operands = operands(kernel);
            } catch (IllegalArgumentException e) {
                // A shape no real tensor has (a hostile or corrupt trace: a negative size, more elements than a
                // long counts; Dims.Tensor.checkedElementCount() tells beforehand) is rejected by Operand: it is
                // this kernel's problem, which backends give as its reason, not an exception that stops the run.
                operands = List.of();
                attributes = Map.of(Attributes.OPERANDS_PROBLEM.name(), e.getMessage());
            }
            return Optional.of(new ResolvedKernel(kernel, OperationFamily.NORM, "rms_norm",
                    "out = rms_norm(input) * weight", "", List.of(), operands, resolution, attributes));
        };
    }

    /**
     * Input {@code [tokens, hidden]}, weight {@code [hidden]} and output from the operator's inputs; none if unrecorded.
     *
     * @throws IllegalArgumentException when a recorded shape makes no {@link Operand}
     */
    private static List<Operand> operands(KernelRecord kernel) {
        List<OperatorInput> inputs = kernel.operator().map(o -> o.hasShapes() ? o.inputs() : List.<OperatorInput>of())
                .orElse(List.of());
        if (inputs.isEmpty() || !(inputs.get(0).dims() instanceof Dims.Tensor input) || input.isEmpty()) {
            return List.of();
        }
        DataType type = inputs.get(0).dataType();
        List<Operand> operands = new ArrayList<>();
        operands.add(new Operand(OperandRoles.INPUT, Direction.INPUT, input.sizes(), type, "activations"));
        if (inputs.size() > 1 && inputs.get(1).dims() instanceof Dims.Tensor weight && !weight.isEmpty()) {
            operands.add(new Operand(OperandRoles.WEIGHT, Direction.INPUT, weight.sizes(), inputs.get(1).dataType(),
                    "scale per hidden element"));
        }
        operands.add(new Operand(OperandRoles.OUTPUT, Direction.OUTPUT, input.sizes(), type, "normalized activations"));
        return operands;
    }
}
