package io.flowsim.plugin.kernels;

import io.flowsim.api.model.Dims;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Hand-built kernel records for tests. */
final class Records {

    private Records() {
    }

    /** A kernel with only a name. */
    static KernelRecord kernel(String name) {
        return KernelRecord.builder(0, name).duration(1_000).build();
    }

    /** A kernel launched by an operator with the given inputs. */
    static KernelRecord kernel(String name, OperatorCall operator) {
        return KernelRecord.builder(0, name).duration(1_000).operator(operator)
                .callStack(List.of("cudaLaunchKernel", operator.name(), "model.py(12): forward")).build();
    }

    /** An operator with profiler-recorded inputs. */
    static OperatorCall op(String name, OperatorInput... inputs) {
        return new OperatorCall(name, OptionalLong.of(1), List.of(inputs), ShapeSource.PROFILER);
    }

    /** A tensor input. */
    static OperatorInput tensor(String type, long... dims) {
        return OperatorInput.of(type, Dims.of(dims));
    }

    /** A named tensor input (as shape annotations record them). */
    static OperatorInput named(String name, String type, long... dims) {
        return new OperatorInput(Optional.of(name), type, Dims.of(dims), Dims.EMPTY, Optional.empty());
    }

    /** A scalar input with a concrete value. */
    static OperatorInput scalar(String value) {
        return new OperatorInput(Optional.empty(), "Scalar", Dims.EMPTY, Dims.EMPTY, Optional.of(value));
    }

    /** A TensorList input. */
    static OperatorInput tensorList(long[]... shapes) {
        List<Dims> elements = new ArrayList<>();
        for (long[] s : shapes) {
            elements.add(Dims.of(s));
        }
        return OperatorInput.of("TensorList", new Dims.TensorList(elements));
    }
}
