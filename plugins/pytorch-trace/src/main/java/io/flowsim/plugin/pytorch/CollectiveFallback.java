package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A collective's size from the operator that launched it, for traces whose {@code record_param_comms}
 * carries no collective arguments (PyTorch before about 2.1): the collective comes from the
 * {@code nccl:<op>} or {@code c10d::<op>} frame around the launch, the elements and type from the
 * operator's first tensor input, and the group size from the ratio of output to input where the
 * collective has both ({@code _allgather_base_(output, input)}, {@code _reduce_scatter_base_(output,
 * input)}), otherwise from the trace's world size. A reduce-scatter with one recorded tensor
 * ({@code record_param_comms} records only the input) has it as the full buffer. The
 * {@code processGroupDescription} says where the numbers came from.
 */
final class CollectiveFallback {

    private CollectiveFallback() {
    }

    /** The collective, or null when the operator recorded no tensor with a shape and a known type. */
    /**
     * @param worldSize       the group size when the shapes do not tell it; 0 when unknown
     * @param worldSizeSource where it comes from, for the description ({@code --world-size}, the trace's world size)
     */
    static CollectiveInfo fromOperator(String collective, OperatorCall op, int worldSize, String worldSizeSource) {
        List<long[]> tensors = new ArrayList<>();
        String dtype = null;
        for (OperatorInput in : op.inputs()) {
            // a count past a long (a hostile shape) is no usable tensor, never a wrapped, negative size
            if (in.dims() instanceof Dims.Tensor t && !t.sizes().isEmpty()
                    && DataType.fromName(in.type()) != DataType.UNKNOWN && t.checkedElementCount().isPresent()) {
                tensors.add(new long[] {t.checkedElementCount().getAsLong()});
                if (dtype == null) {
                    dtype = in.type();
                }
            }
        }
        if (tensors.isEmpty()) {
            return null;
        }
        String kind = collective.toLowerCase(Locale.ROOT).replace("_", "");
        long first = tensors.get(0)[0];
        long second = tensors.size() > 1 ? tensors.get(1)[0] : 0;
        long in = first;
        long out = first;
        int group = 0;
        String groupSource = "";
        if (kind.contains("allgather") && second > 0 && first % second == 0 && first > second) {
            out = first;
            in = second;
            group = (int) Math.min(Integer.MAX_VALUE, first / second);
            groupSource = "output / input elements";
        } else if (kind.contains("reducescatter") && second > 0 && second % first == 0 && second > first) {
            out = first;
            in = second;
            group = (int) Math.min(Integer.MAX_VALUE, second / first);
            groupSource = "input / output elements";
        } else if (worldSize > 0) {
            group = worldSize;
            groupSource = worldSizeSource;
        }
        if (group < 1) {
            return null;
        }
        if (kind.contains("reducescatter") && second == 0) {
            // record_param_comms records a reduce-scatter's input only: the full buffer, of which each rank keeps 1/n
            out = Math.max(1, in / group);
        }
        String description = "sizes from the launching operator " + op.name() + "; group size " + group + " from "
                + groupSource;
        return new CollectiveInfo(collective, in, out, group, dtype, Optional.empty(), Optional.of(description),
                List.of());
    }
}
