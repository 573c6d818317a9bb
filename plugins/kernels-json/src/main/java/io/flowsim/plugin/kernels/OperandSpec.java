package io.flowsim.plugin.kernels;

import io.flowsim.api.model.Direction;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How one operand of a kernel is taken from the launching operator's inputs ({@code operands[]} of a
 * kernels.json entry).
 *
 * @param name        the operand's role name ({@code A}, {@code B}, {@code q}, {@code input})
 * @param inputIndex  the operator input by position (0-based), or -1 when {@code inputName} is used
 * @param inputName   the operator input by argument name (annotations carry names), or empty
 * @param element     for a TensorList input, which element
 * @param direction   read, written or both
 * @param transforms  shape transforms applied in order
 * @param optional    whether a missing input is skipped instead of dropping all operands
 * @param description a human-readable description
 */
record OperandSpec(String name, int inputIndex, String inputName, OptionalInt element, Direction direction,
                   List<Transform> transforms, boolean optional, String description) {

    OperandSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(direction, "direction");
        transforms = List.copyOf(transforms);
        Objects.requireNonNull(description, "description");
    }

    /** A shape transform from the operator's view of an input to the operand conventions. */
    enum Transform {
        /** Swaps the last two dimensions ({@code linear}'s weight {@code [N, K]} becomes {@code [K, N]}). */
        TRANSPOSE("transpose"),
        /** Collapses all dimensions but the last into one ({@code [b, s, k]} becomes {@code [b*s, k]}). */
        FLATTEN("flatten"),
        /** {@code [batch, heads, seq, dim]} becomes {@code [batch*seq, heads, dim]}. */
        BHSD("bhsd"),
        /** {@code [batch, seq, heads, dim]} becomes {@code [batch*seq, heads, dim]}. */
        BSHD("bshd");

        private final String id;

        Transform(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }

        static Transform fromId(String id) {
            for (Transform t : values()) {
                if (t.id.equals(id)) {
                    return t;
                }
            }
            return null;
        }

        static String ids() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Transform::id).toList());
        }
    }
}
