package io.flowsim.plugin.kernels;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Direction;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one operand of a kernel is taken from the launching operator's inputs ({@code operands[]} of a
 * kernels.json entry).
 *
 * @param name        the operand's role name ({@code A}, {@code B}, {@code q}, {@code input}); for an operand of
 *                    {@link #EVERY_INPUT every input}, the prefix of the names {@code <name><position>}
 * @param inputIndex  the operator input by position (0-based), or -1 when {@code inputName} is used
 * @param inputName   the operator input by argument name (annotations carry names), {@link #EVERY_INPUT}, or empty
 * @param element     for a TensorList input, which element
 * @param direction   read, written, both, or {@link Direction#UNKNOWN} (read or written, the trace does not say which)
 * @param transforms  shape transforms applied in order
 * @param optional    whether a missing input is skipped instead of dropping all operands
 * @param description a human-readable description
 * @param list        for a TensorList input, how its tensors make one operand ({@link ListMode#NONE}: they do not)
 * @param dim         for {@link ListMode#CONCAT}, the concatenation dimension: a number or an {@code @input:}
 *                    reference to the operator input that recorded it; empty otherwise
 * @param elementType the element type when the input records none (a TensorList): a type name, a width in bytes,
 *                    or an {@code @name:} reference to either in the kernel name; empty when not given
 */
record OperandSpec(String name, int inputIndex, String inputName, OptionalInt element, Direction direction,
                   List<Transform> transforms, boolean optional, String description, ListMode list, String dim,
                   String elementType) {

    /**
     * The {@code input} that takes every tensor input of the operator which no other operand of the entry takes,
     * each as an operand of its own named {@code <name><position>} (an Inductor kernel's pointer arguments).
     */
    static final String EVERY_INPUT = "*";

    OperandSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(direction, "direction");
        transforms = List.copyOf(transforms);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(dim, "dim");
        Objects.requireNonNull(elementType, "elementType");
    }

    /** An operand of one tensor (no list mode, no element type of its own). */
    OperandSpec(String name, int inputIndex, String inputName, OptionalInt element, Direction direction,
                List<Transform> transforms, boolean optional, String description) {
        this(name, inputIndex, inputName, element, direction, transforms, optional, description, ListMode.NONE, "", "");
    }

    /** Whether this operand takes every tensor input ({@code "input": "*"}). */
    boolean everyInput() {
        return inputIndex < 0 && EVERY_INPUT.equals(inputName);
    }

    /**
     * What is wrong with the combination of this spec's fields, as {@code {field, message}}, or empty: an operand of
     * every input ({@code "*"}) takes whole tensors as recorded, so it has no {@code element}, {@code list},
     * {@code dim}, {@code element_type} or {@code transform}; a list mode excludes {@code element}; {@code concat}
     * needs a {@code dim}, and only it has one; a {@code dim} is a number or an {@code @input:} reference; an
     * {@code element_type} is a known type, a width of 1, 2, 4 or 8 bytes, or an {@code @name:} reference, which
     * needs the entry's {@code name_pattern}.
     */
    Optional<String[]> fieldProblem(boolean hasNamePattern) {
        if (everyInput()) {
            String field = element.isPresent() ? "element" : list != ListMode.NONE ? "list" : !dim.isEmpty() ? "dim"
                    : !elementType.isEmpty() ? "element_type" : !transforms.isEmpty() ? "transform" : null;
            if (field != null) {
                return problem(field, "an operand of every input ('" + EVERY_INPUT + "') takes each tensor input"
                        + " whole, as recorded; it cannot be combined with '" + field + "'");
            }
        }
        if (list != ListMode.NONE && element.isPresent()) {
            return problem("list", "a list mode takes every tensor of the list; it cannot be combined with 'element'");
        }
        if (list == ListMode.CONCAT && dim.isEmpty()) {
            return problem("dim", "list 'concat' needs the dimension: a number or '@input:N'");
        }
        if (list != ListMode.CONCAT && !dim.isEmpty()) {
            return problem("dim", "only an operand with list 'concat' has a dimension");
        }
        if (!dim.isEmpty() && !isInteger(dim) && !(dim.startsWith(KernelDatabaseReader.INPUT_REFERENCE)
                && !dim.substring(KernelDatabaseReader.INPUT_REFERENCE.length()).isBlank())) {
            return problem("dim", "expected a number or '@input:N' (an input position or name), not '" + dim + "'");
        }
        if (elementType.startsWith(KernelDatabaseReader.NAME_REFERENCE)) {
            if (elementType.substring(KernelDatabaseReader.NAME_REFERENCE.length()).isBlank()) {
                return problem("element_type", "'@name:' needs a group number or name of name_pattern");
            }
            if (!hasNamePattern) {
                return problem("element_type", "'" + elementType + "' refers to name_pattern, but the entry has none");
            }
        } else if (!elementType.isEmpty() && elementType(elementType) == DataType.UNKNOWN) {
            return problem("element_type", "'" + elementType + "' is neither a known type (bf16, float, c10::Half, ...)"
                    + " nor a width of 1, 2, 4 or 8 bytes");
        }
        return Optional.empty();
    }

    private static Optional<String[]> problem(String field, String message) {
        return Optional.of(new String[] {field, message});
    }

    private static boolean isInteger(String s) {
        return s.matches("-?\\d{1,9}");
    }

    /**
     * The type an {@code element_type} value names: a type in any spelling ({@code bf16}, {@code float},
     * {@code c10::Half}, {@code long}), or a width in bytes (PyTorch's type-erased copy kernels name their element
     * {@code OpaqueType<N>}), which gives the signed integer type of that width: a copy moves the bytes, whatever
     * they hold. {@link DataType#UNKNOWN} for anything else.
     */
    static DataType elementType(String value) {
        return switch (value.trim()) {
            case "1" -> DataType.INT8;
            case "2" -> DataType.INT16;
            case "4" -> DataType.INT32;
            case "8" -> DataType.INT64;
            default -> DataType.fromName(value);
        };
    }

    /** How the tensors of a TensorList input make one operand. */
    enum ListMode {
        /** The input is one tensor (or one {@code element} of a list). */
        NONE("none"),
        /** Every tensor of the list, as one operand of shape {@code [total elements]} (its bytes are the list's). */
        ALL("all"),
        /** The list's tensors concatenated along {@code dim}: the shape {@code torch.cat} gives them. */
        CONCAT("concat");

        private final String id;

        ListMode(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }

        /** The mode named {@code id}, or null. */
        static ListMode fromId(String id) {
            for (ListMode m : values()) {
                if (m != NONE && m.id.equals(id)) {
                    return m;
                }
            }
            return null;
        }
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
