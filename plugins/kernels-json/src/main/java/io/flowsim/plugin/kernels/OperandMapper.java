package io.flowsim.plugin.kernels;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.Parameter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Builds a kernel's operands from its launching operator's inputs, following an entry's
 * {@code operands[]} and docs/operand-conventions.md: takes each input by position or name (or, for
 * {@code "*"}, every tensor input no other operand takes, each its own operand), applies the
 * transforms, then normalizes per family (GEMM: flatten or broadcast batch dimensions and check
 * that A and B agree on K; attention: derive batch, lengths and kind). Stateless.
 */
final class OperandMapper {

    private OperandMapper() {
    }

    /**
     * The outcome of mapping: operands and derived attributes, or the reason nothing was mapped.
     *
     * @param operands   the operands, in spec order (empty when {@code problem} is present)
     * @param attributes attributes derived from the shapes (attention lengths, ...)
     * @param family     the family after normalization (a batched {@code gemm} becomes {@code bmm})
     * @param problem    why the operands could not be built
     * @param recorded   whether the operator recorded the shapes the problem is about (a TensorList that does not
     *                   concatenate), as opposed to a shape that was never recorded
     * @param parameters for specs with an operand of every input ({@code "*"}), one per operator input: the
     *                   operand it became (its direction as the role, its name as the description), or {@code N/A}
     *                   for an input that is no tensor; empty otherwise (the entry's own {@code params} document
     *                   fixed inputs)
     */
    record Mapping(List<Operand> operands, Map<String, String> attributes, OperationFamily family,
                   Optional<String> problem, boolean recorded, List<Parameter> parameters) {
        Mapping {
            parameters = List.copyOf(parameters);
        }

        Mapping(List<Operand> operands, Map<String, String> attributes, OperationFamily family,
                Optional<String> problem) {
            this(operands, attributes, family, problem, false, List.of());
        }

        static Mapping failed(OperationFamily family, String problem) {
            return new Mapping(List.of(), Map.of(), family, Optional.of(problem), false, List.of());
        }

        /** A failure over shapes the operator did record (they are inconsistent). */
        static Mapping inconsistent(OperationFamily family, String problem) {
            return new Mapping(List.of(), Map.of(), family, Optional.of(problem), true, List.of());
        }
    }

    static Mapping map(List<OperandSpec> specs, OperatorCall operator, OperationFamily family) {
        return map(specs, operator, family, "", Optional.empty());
    }

    /**
     * Maps with the kernel's name and the name pattern of the entry that holds the specs, which an
     * {@code element_type} of the form {@code @name:G} reads.
     */
    static Mapping map(List<OperandSpec> specs, OperatorCall operator, OperationFamily family, String kernelName,
                       Optional<java.util.regex.Pattern> namePattern) {
        List<Operand> operands = new ArrayList<>();
        Map<String, String> listAttributes = new LinkedHashMap<>();
        Map<String, List<Long>> recorded = new LinkedHashMap<>();
        Map<String, OperandSpec> specByName = new LinkedHashMap<>();
        // the operator input each operand was taken from, for the parameters of an entry with '*'
        Map<Integer, Operand> byInput = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        for (OperandSpec spec : specs) {
            int position = position(operator, spec);
            if (!spec.everyInput() && position >= 0) {
                taken.add(position);
            }
        }
        for (OperandSpec spec : specs) {
            if (spec.everyInput()) {
                Optional<Mapping> failed = everyInput(spec, specs, operator, family, taken, operands, byInput);
                if (failed.isPresent()) {
                    return failed.get();
                }
                continue;
            }
            Optional<OperatorInput> input = find(operator, spec);
            String where = "operand " + spec.name() + " (" + (spec.inputIndex() >= 0 ? "input #" + spec.inputIndex()
                    : "input '" + spec.inputName() + "'") + " of " + operator.name() + ")";
            if (input.isEmpty()) {
                if (spec.optional()) {
                    continue;
                }
                return Mapping.failed(family, where + ": no such input");
            }
            OperatorInput in = input.get();
            Dims dims = in.dims();
            if (spec.list() != OperandSpec.ListMode.NONE) {
                ListOperand listed;
                try {
                    listed = listOperand(spec, in, operator, where, kernelName, namePattern);
                } catch (ArithmeticException e) {
                    listed = ListOperand.inconsistent(where + ": the list has more elements than a 64-bit count"
                            + " holds");
                }
                if (listed.problem() != null) {
                    if (spec.optional()) {
                        continue;
                    }
                    return listed.recorded() ? Mapping.inconsistent(family, listed.problem())
                            : Mapping.failed(family, listed.problem());
                }
                recorded.put(spec.name(), listed.shape());
                specByName.put(spec.name(), spec);
                listAttributes.putIfAbsent(Attributes.LIST_TENSORS.name(), Long.toString(listed.tensors()));
                listAttributes.putIfAbsent(Attributes.LIST_LARGEST.name(), Long.toString(listed.largest()));
                operands.add(new Operand(spec.name(), spec.direction(), listed.shape(), listed.type(),
                        spec.description()));
                byInput.putIfAbsent(position(operator, spec), operands.get(operands.size() - 1));
                continue;
            }
            if (spec.element().isPresent()) {
                if (!(dims instanceof Dims.TensorList list) || spec.element().getAsInt() >= list.elements().size()) {
                    if (spec.optional()) {
                        continue;
                    }
                    return Mapping.failed(family, where + ": no element " + spec.element().getAsInt() + " in "
                            + dims.format());
                }
                dims = list.elements().get(spec.element().getAsInt());
            }
            if (!(dims instanceof Dims.Tensor tensor)) {
                if (spec.optional()) {
                    continue;
                }
                return Mapping.failed(family, where + ": a list of tensors " + dims.format()
                        + "; name the element to use");
            }
            DataType type = in.dataType();
            if (type == DataType.UNKNOWN && tensor.isEmpty()) {
                if (spec.optional()) {
                    continue;
                }
                return Mapping.failed(family, where + ": not a tensor (type '" + in.type() + "')");
            }
            Optional<String> impossible = impossible(tensor);
            if (impossible.isPresent()) {
                return Mapping.inconsistent(family, where + ": " + impossible.get());
            }
            List<Long> shape = tensor.sizes();
            for (OperandSpec.Transform t : spec.transforms()) {
                Optional<List<Long>> next = apply(t, shape);
                if (next.isEmpty()) {
                    return Mapping.failed(family, where + ": cannot apply '" + t.id() + "' to " + tensor.format());
                }
                shape = next.get();
            }
            recorded.put(spec.name(), tensor.sizes());
            specByName.put(spec.name(), spec);
            operands.add(new Operand(spec.name(), spec.direction(), shape, type, spec.description()));
            byInput.putIfAbsent(position(operator, spec), operands.get(operands.size() - 1));
        }
        Map<String, String> attributes = new LinkedHashMap<>(listAttributes);
        OperationFamily result = family;
        if (family == OperationFamily.GEMM || family == OperationFamily.BMM) {
            Optional<String> problem = normalizeGemm(operands);
            if (problem.isPresent()) {
                return Mapping.failed(family, operator.name() + ": " + problem.get());
            }
            Optional<Operand> a = find(operands, "A");
            if (family == OperationFamily.GEMM && a.isPresent() && a.get().shape().size() > 2) {
                result = OperationFamily.BMM;
            }
        } else if (family == OperationFamily.ATTENTION) {
            deriveAttention(operands, recorded, specByName, attributes);
        }
        List<Parameter> parameters = new ArrayList<>();
        if (specs.stream().anyMatch(OperandSpec::everyInput)) {
            for (int i = 0; i < operator.inputs().size(); i++) {
                Operand o = byInput.get(i);
                parameters.add(o == null ? new Parameter("N/A", "") : new Parameter(role(o.direction()), o.name()));
            }
        }
        return new Mapping(operands, attributes, result, Optional.empty(), false, parameters);
    }

    /**
     * The operands of a spec of every input ({@code "*"}): each operator input that no other spec takes and that is a
     * tensor, named {@code <name><position>}, with its recorded shape and type; an input that is no tensor (a
     * {@code Scalar}, {@code None}: no type and no shape) is skipped. A TensorList cannot be one tensor's operand and
     * fails the mapping, as does a spec that finds no tensor at all (unless optional). Adds the operands; the failed
     * mapping, or empty.
     */
    private static Optional<Mapping> everyInput(OperandSpec spec, List<OperandSpec> specs, OperatorCall operator,
                                                OperationFamily family, Set<Integer> taken,
                                                List<Operand> operands, Map<Integer, Operand> byInput) {
        int added = 0;
        List<OperatorInput> inputs = operator.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            if (taken.contains(i)) {
                continue;
            }
            OperatorInput in = inputs.get(i);
            String name = spec.name() + i;
            String where = "operand " + name + " (input #" + i + " of " + operator.name() + ")";
            if (in.dims() instanceof Dims.TensorList list) {
                return Optional.of(Mapping.inconsistent(family, where + ": a list of tensors " + list.format()
                        + ", and '" + OperandSpec.EVERY_INPUT + "' takes single tensors (give the list an operand of"
                        + " its own)"));
            }
            Dims.Tensor tensor = (Dims.Tensor) in.dims();
            if (in.dataType() == DataType.UNKNOWN && tensor.isEmpty()) {
                continue;
            }
            Optional<String> impossible = impossible(tensor);
            if (impossible.isPresent()) {
                return Optional.of(Mapping.inconsistent(family, where + ": " + impossible.get()));
            }
            if (specs.stream().anyMatch(s -> s.name().equals(name))) {
                return Optional.of(Mapping.failed(family, where + ": another operand of the entry is named " + name));
            }
            Operand operand = new Operand(name, spec.direction(), tensor.sizes(), in.dataType(), spec.description());
            operands.add(operand);
            byInput.put(i, operand);
            added++;
        }
        if (added == 0 && !spec.optional()) {
            return Optional.of(Mapping.failed(family, "operand " + spec.name() + " ('" + OperandSpec.EVERY_INPUT
                    + "' of " + operator.name() + "): no tensor input left to take"));
        }
        return Optional.empty();
    }

    /** The role the original format's {@code params[]} give a direction. */
    private static String role(Direction direction) {
        return switch (direction) {
            case INPUT -> "input";
            case OUTPUT -> "output";
            case INPUT_OUTPUT -> "input/output";
            case UNKNOWN -> "unknown";
        };
    }

    /**
     * A TensorList made one operand: its shape and type, or why it cannot be. Made by one factory per case:
     * {@link #of}, {@link #inconsistent}, {@link #unrecorded}.
     */
    private record ListOperand(List<Long> shape, DataType type, long tensors, long largest, String problem,
                               boolean recorded) {

        /** The operand the list makes. */
        static ListOperand of(List<Long> shape, DataType type, long tensors, long largest) {
            return new ListOperand(shape, type, tensors, largest, null, true);
        }

        /** The recorded shapes are inconsistent. */
        static ListOperand inconsistent(String problem) {
            return new ListOperand(List.of(), DataType.UNKNOWN, 0, 0, problem, true);
        }

        /** The profiler recorded no shape for the list or one of its tensors, or no element type. */
        static ListOperand unrecorded(String problem) {
            return new ListOperand(List.of(), DataType.UNKNOWN, 0, 0, problem, false);
        }
    }

    /**
     * The operand a list mode makes of a TensorList input: {@code all}, its tensors as {@code [total elements]};
     * {@code concat}, the shape {@code torch.cat} gives them along the recorded dimension (every tensor of the same
     * rank and sizes but at that dimension, whose sizes add up; a one-dimensional empty tensor {@code [0]} is
     * skipped, as PyTorch's legacy rule does). The element type is the input's, else the spec's
     * {@code element_type} (a TensorList records none). Unrecorded or inconsistent shapes are a problem, never
     * a guess.
     */
    private static ListOperand listOperand(OperandSpec spec, OperatorInput in, OperatorCall operator, String where,
                                           String kernelName, Optional<java.util.regex.Pattern> namePattern) {
        if (!(in.dims() instanceof Dims.TensorList list) || list.elements().isEmpty()) {
            return ListOperand.unrecorded(where + ": not a list of tensors with recorded shapes");
        }
        List<List<Long>> tensors = new ArrayList<>();
        long total = 0;
        long largest = 0;
        for (Dims d : list.elements()) {
            if (!(d instanceof Dims.Tensor t) || t.isEmpty()) {
                return ListOperand.unrecorded(where + ": a tensor of the list has no recorded shape");
            }
            Optional<String> impossible = impossible(t);
            if (impossible.isPresent()) {
                return ListOperand.inconsistent(where + ": " + impossible.get());
            }
            tensors.add(t.sizes());
            long n = t.checkedElementCount().getAsLong();
            total = Math.addExact(total, n);
            largest = Math.max(largest, n);
        }
        DataType type = in.dataType();
        if (type == DataType.UNKNOWN && !spec.elementType().isEmpty()) {
            type = attributeValue(spec.elementType(), Optional.of(operator), kernelName, namePattern)
                    .map(OperandSpec::elementType).orElse(DataType.UNKNOWN);
        }
        if (type == DataType.UNKNOWN) {
            return ListOperand.unrecorded(where + ": the element type of the list is not recorded"
                    + (spec.elementType().isEmpty() ? "" : " and '" + spec.elementType() + "' gives none"));
        }
        if (spec.list() == OperandSpec.ListMode.ALL) {
            return ListOperand.of(List.of(total), type, tensors.size(), largest);
        }
        Optional<String> dimText = attributeValue(spec.dim(), Optional.of(operator), kernelName, namePattern);
        long dim;
        try {
            dim = Long.parseLong(dimText.orElse("").trim());
        } catch (NumberFormatException e) {
            return ListOperand.inconsistent(where + ": no concatenation dimension recorded for '" + spec.dim()
                    + "'");
        }
        List<List<Long>> kept = tensors.stream().filter(t -> !(t.size() == 1 && t.get(0) == 0)).toList();
        if (kept.isEmpty()) {
            return ListOperand.of(List.of(0L), type, tensors.size(), largest);
        }
        int rank = kept.get(0).size();
        long axis = dim < 0 ? dim + rank : dim;
        if (axis < 0 || axis >= rank) {
            return ListOperand.inconsistent(where + ": dimension " + dim + " is out of range for tensors of rank "
                    + rank);
        }
        List<Long> shape = new ArrayList<>(kept.get(0));
        for (int i = 1; i < kept.size(); i++) {
            List<Long> t = kept.get(i);
            boolean agree = t.size() == rank;
            for (int d = 0; agree && d < rank; d++) {
                agree = d == axis || t.get(d).equals(shape.get(d));
            }
            if (!agree) {
                return ListOperand.inconsistent(where + ": the tensors do not concatenate along dimension " + dim
                        + " (" + list.format() + ")");
            }
            shape.set((int) axis, Math.addExact(shape.get((int) axis), t.get((int) axis)));
        }
        return ListOperand.of(List.copyOf(shape), type, tensors.size(), largest);
    }

    /**
     * Why a recorded shape cannot be an operand's (a hostile or corrupt trace): a negative size, or more
     * elements than a 64-bit count holds, whose wrapped count would be a negative byte count.
     */
    private static Optional<String> impossible(Dims.Tensor t) {
        if (t.sizes().stream().anyMatch(size -> size < 0)) {
            return Optional.of(t.format() + " has a negative size");
        }
        if (t.checkedElementCount().isEmpty()) {
            return Optional.of(t.format() + " has more elements than a 64-bit count holds");
        }
        return Optional.empty();
    }

    private static Optional<OperatorInput> find(OperatorCall operator, OperandSpec spec) {
        int position = position(operator, spec);
        return position < 0 ? Optional.empty() : Optional.of(operator.inputs().get(position));
    }

    /** The position of the operator input a spec takes (by position or name), or -1 when there is none. */
    private static int position(OperatorCall operator, OperandSpec spec) {
        List<OperatorInput> inputs = operator.inputs();
        if (spec.inputIndex() >= 0) {
            return spec.inputIndex() < inputs.size() ? spec.inputIndex() : -1;
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).name().map(spec.inputName()::equals).orElse(false)) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<Operand> find(List<Operand> operands, String name) {
        return operands.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    static Optional<List<Long>> apply(OperandSpec.Transform t, List<Long> shape) {
        int r = shape.size();
        return switch (t) {
            case TRANSPOSE -> {
                if (r < 2) {
                    yield Optional.empty();
                }
                List<Long> s = new ArrayList<>(shape);
                s.set(r - 2, shape.get(r - 1));
                s.set(r - 1, shape.get(r - 2));
                yield Optional.of(List.copyOf(s));
            }
            case FLATTEN -> {
                if (r < 1) {
                    yield Optional.empty();
                }
                OptionalLong rows = new Dims.Tensor(shape.subList(0, r - 1)).checkedElementCount();
                yield rows.isEmpty() ? Optional.empty()
                        : Optional.of(r == 1 ? shape : List.of(rows.getAsLong(), shape.get(r - 1)));
            }
            case BHSD -> r != 4 ? Optional.empty() : folded(shape.get(0), shape.get(2))
                    .map(rows -> List.of(rows, shape.get(1), shape.get(3)));
            case BSHD -> r != 4 ? Optional.empty() : folded(shape.get(0), shape.get(1))
                    .map(rows -> List.of(rows, shape.get(2), shape.get(3)));
        };
    }

    /** Two extents folded into one; empty when the product exceeds a long. */
    private static Optional<Long> folded(long outer, long inner) {
        OptionalLong rows = new Dims.Tensor(List.of(outer, inner)).checkedElementCount();
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getAsLong());
    }

    /**
     * Brings A {@code [batch..., M, K]} and B {@code [batch..., K, N]} into the conventions: a 1-D A is a
     * row {@code [1, K]} and a 1-D B a column {@code [K, 1]}; when only A has batch dimensions they are
     * folded into M (a {@code linear} or {@code matmul} over a 2-D weight); otherwise batch dimensions
     * are broadcast to a common shape. Checks that K agrees. Replaces A and B in place.
     */
    static Optional<String> normalizeGemm(List<Operand> operands) {
        int ia = indexOf(operands, "A");
        int ib = indexOf(operands, "B");
        if (ia < 0 || ib < 0) {
            return Optional.empty();
        }
        Operand a = operands.get(ia);
        Operand b = operands.get(ib);
        List<Long> sa = new ArrayList<>(a.shape());
        List<Long> sb = new ArrayList<>(b.shape());
        if (sa.isEmpty() || sb.isEmpty()) {
            return Optional.of("A " + sa + " and B " + sb + " must have at least one dimension");
        }
        if (sa.size() == 1) {
            sa.add(0, 1L);
        }
        if (sb.size() == 1) {
            sb.add(1L);
        }
        List<Long> batchA = sa.subList(0, sa.size() - 2);
        List<Long> batchB = sb.subList(0, sb.size() - 2);
        long m = sa.get(sa.size() - 2);
        long k = sa.get(sa.size() - 1);
        long k2 = sb.get(sb.size() - 2);
        long n = sb.get(sb.size() - 1);
        if (k != k2) {
            return Optional.of("A " + a.shape() + " and B " + b.shape() + " disagree on K (" + k + " vs " + k2 + ")");
        }
        List<Long> newA;
        List<Long> newB;
        if (batchB.isEmpty()) {
            List<Long> folded = new ArrayList<>(batchA);
            folded.add(m);
            OptionalLong rows = new Dims.Tensor(folded).checkedElementCount();
            if (rows.isEmpty()) {
                return Optional.of("A " + a.shape() + " has more rows than a 64-bit count holds");
            }
            newA = List.of(rows.getAsLong(), k);
            newB = List.of(k, n);
        } else {
            Optional<List<Long>> batch = broadcast(batchA, batchB);
            if (batch.isEmpty()) {
                return Optional.of("batch dimensions of A " + a.shape() + " and B " + b.shape() + " do not broadcast");
            }
            List<Long> pa = new ArrayList<>(batch.get());
            pa.add(m);
            pa.add(k);
            List<Long> pb = new ArrayList<>(batch.get());
            pb.add(k);
            pb.add(n);
            newA = pa;
            newB = pb;
            if (new Dims.Tensor(pa).checkedElementCount().isEmpty()
                    || new Dims.Tensor(pb).checkedElementCount().isEmpty()) {
                return Optional.of("A " + a.shape() + " and B " + b.shape() + " broadcast to more elements than a"
                        + " 64-bit count holds");
            }
        }
        operands.set(ia, new Operand(a.name(), a.direction(), newA, a.dataType(), a.description()));
        operands.set(ib, new Operand(b.name(), b.direction(), newB, b.dataType(), b.description()));
        return Optional.empty();
    }

    private static Optional<List<Long>> broadcast(List<Long> x, List<Long> y) {
        int r = Math.max(x.size(), y.size());
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            long dx = i < r - x.size() ? 1 : x.get(i - (r - x.size()));
            long dy = i < r - y.size() ? 1 : y.get(i - (r - y.size()));
            if (dx != dy && dx != 1 && dy != 1) {
                return Optional.empty();
            }
            out.add(dx == 1 ? dy : dx);
        }
        return Optional.of(out);
    }

    private static int indexOf(List<Operand> operands, String name) {
        for (int i = 0; i < operands.size(); i++) {
            if (operands.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Attention attributes from the shapes: batch and lengths from inputs recorded as
     * {@code [batch, heads, seq, dim]} or {@code [batch, seq, heads, dim]}; kind from the head
     * counts of q and k; value head dimension when it differs.
     */
    private static void deriveAttention(List<Operand> operands, Map<String, List<Long>> recorded,
                                        Map<String, OperandSpec> specs, Map<String, String> attributes) {
        Optional<Operand> q = find(operands, OperandRoles.Q);
        Optional<Operand> k = find(operands, OperandRoles.K).or(() -> find(operands, OperandRoles.KV_CACHE));
        Optional<Operand> v = find(operands, OperandRoles.V);
        if (q.isEmpty()) {
            return;
        }
        OperandSpec qs = specs.get("q");
        List<Long> qr = recorded.get("q");
        Optional<long[]> qbs = batchAndLength(qs, qr);
        qbs.ifPresent(bs -> {
            attributes.put(Attributes.ATTENTION_BATCH.name(), Attributes.ATTENTION_BATCH.format(bs[0]));
            attributes.put(Attributes.ATTENTION_Q_LEN.name(), Long.toString(bs[1]));
        });
        if (k.isPresent()) {
            batchAndLength(specs.get(k.get().name()), recorded.get(k.get().name()))
                    .ifPresent(bs -> attributes.put(Attributes.ATTENTION_KV_LEN.name(), Long.toString(bs[1])));
            List<Long> qShape = q.get().shape();
            List<Long> kShape = k.get().shape();
            if (qShape.size() == 3 && kShape.size() == 3 && k.get().name().equals(OperandRoles.K)) {
                long hq = qShape.get(1);
                long hk = kShape.get(1);
                attributes.put(Attributes.ATTENTION_KIND.name(), hq == hk ? "mha" : "gqa");
            }
        }
        if (v.isPresent() && !v.get().shape().isEmpty() && !q.get().shape().isEmpty()) {
            long dq = q.get().shape().get(q.get().shape().size() - 1);
            long dv = v.get().shape().get(v.get().shape().size() - 1);
            if (dq != dv) {
                attributes.put(Attributes.ATTENTION_HEAD_DIM_V.name(), Attributes.ATTENTION_HEAD_DIM_V.format(dv));
            }
        }
    }

    private static Optional<long[]> batchAndLength(OperandSpec spec, List<Long> recorded) {
        if (spec == null || recorded == null || recorded.size() != 4) {
            return Optional.empty();
        }
        if (spec.transforms().contains(OperandSpec.Transform.BHSD)) {
            return Optional.of(new long[] {recorded.get(0), recorded.get(2)});
        }
        if (spec.transforms().contains(OperandSpec.Transform.BSHD)) {
            return Optional.of(new long[] {recorded.get(0), recorded.get(1)});
        }
        return Optional.empty();
    }

    /**
     * The value of an attribute template: {@code @input:N} or {@code @input:name} takes the
     * concrete value recorded for that input ({@code True}/{@code False} become {@code true}/{@code
     * false}); {@code @name:G} takes group {@code G} (a number or a group name) of the entry's
     * {@code name_pattern} matched in the kernel name (e.g. the rank count of
     * {@code cross_device_reduce_1stage<__nv_bfloat16, 4>}); anything else is literal. Empty when the
     * referenced value is not there.
     */
    static Optional<String> attributeValue(String template, Optional<OperatorCall> operator, String kernelName,
                                           Optional<java.util.regex.Pattern> namePattern) {
        if (template.startsWith(KernelDatabaseReader.NAME_REFERENCE)) {
            String group = template.substring(KernelDatabaseReader.NAME_REFERENCE.length()).trim();
            if (namePattern.isEmpty()) {
                return Optional.empty();
            }
            Optional<java.util.regex.Matcher> found = RegexBudget.match(namePattern.get(), kernelName, "name_pattern");
            if (found.isEmpty()) {
                return Optional.empty();
            }
            java.util.regex.Matcher m = found.get();
            try {
                String value = group.chars().allMatch(Character::isDigit) ? m.group(Integer.parseInt(group))
                        : m.group(group);
                return Optional.ofNullable(value).filter(v -> !v.isEmpty());
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                return Optional.empty();
            }
        }
        if (!template.startsWith(KernelDatabaseReader.INPUT_REFERENCE)) {
            return Optional.of(template);
        }
        if (operator.isEmpty()) {
            return Optional.empty();
        }
        String ref = template.substring(KernelDatabaseReader.INPUT_REFERENCE.length()).trim();
        List<OperatorInput> inputs = operator.get().inputs();
        Optional<OperatorInput> input;
        if (ref.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(ref);
            input = i < inputs.size() ? Optional.of(inputs.get(i)) : Optional.empty();
        } else {
            input = inputs.stream().filter(x -> x.name().map(ref::equals).orElse(false)).findFirst();
        }
        return input.flatMap(OperatorInput::concreteValue).filter(v -> !v.isEmpty()).map(v -> switch (v) {
            case "True", "False" -> v.toLowerCase(Locale.ROOT);
            default -> v;
        });
    }
}
