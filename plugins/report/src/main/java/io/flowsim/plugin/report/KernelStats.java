package io.flowsim.plugin.report;

import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.ShapeSource;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the report shows, accumulated kernel by kernel. GPU kernels ({@link KernelKind#KERNEL}) are
 * grouped by name, operands and the launching operator's shapes and types (the CSV's {@code Name},
 * {@code Operands}, {@code Dims} and {@code Data Type}), so memory grows with the distinct kernels,
 * plus one float per predicted kernel for the error distribution. Memcpys and memsets are counted
 * apart, as in the run summary. Not thread-safe.
 */
final class KernelStats {

    /** The stage of kernels whose record names none. */
    static final String NO_STAGE = "(no stage)";

    private final Map<String, DistinctKernel> groups = new LinkedHashMap<>();
    private final Map<OperationFamily, FloatList> ratios = new EnumMap<>(OperationFamily.class);
    private final Map<String, long[]> stageFamilyNs = new LinkedHashMap<>();
    private final Map<String, UnknownKernel> unknown = new LinkedHashMap<>();
    private final TreeSet<String> streams = new TreeSet<>();
    private final Map<String, String> opFamily = new HashMap<>();

    /** Adds one kernel. */
    void add(KernelResult result) {
        ResolvedKernel resolved = result.kernel();
        KernelRecord r = resolved.kernel();
        if (r.kind() != KernelKind.KERNEL) {
            return;
        }
        streams.add(r.device() + ":" + r.stream());
        String operands = operands(resolved.operands());
        String dims = dims(r.operator());
        String types = types(r.operator());
        String key = r.name() + '\u0000' + operands + '\u0000' + dims + '\u0000' + types;
        DistinctKernel group = groups.computeIfAbsent(key, k -> new DistinctKernel(r.name(), resolved.family(),
                resolved.opMapping(), operands.isEmpty() ? dims : operands, dataTypes(resolved.operands(), r.operator()),
                r.operator().map(OperatorCall::name).orElse(""), resolved.resolvedByDatabase()));
        long predicted = -1;
        Optional<SimulationResult> simulation = result.simulation();
        if (simulation.isPresent()) {
            SimulationResult s = simulation.get();
            if (s.status() == SimulationStatus.OK) {
                predicted = s.predictedNs().getAsLong();
                if (r.durationNs() > 0) {
                    ratios.computeIfAbsent(resolved.family(), f -> new FloatList())
                            .add((float) ((double) predicted / r.durationNs()));
                }
            } else if (group.simulationNote.isEmpty()) {
                group.simulationNote = s.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + s.reason();
            }
        }
        group.add(r.durationNs(), predicted);
        String stage = r.attributes().getOrDefault("stage", NO_STAGE);
        stageFamilyNs.computeIfAbsent(stage, s -> new long[OperationFamily.values().length])
                [resolved.family().ordinal()] += r.durationNs();
        opFamily.putIfAbsent(resolved.opMapping().isEmpty() ? "(none)" : resolved.opMapping(), resolved.family().id());
        if (!resolved.resolvedByDatabase()) {
            unknown.computeIfAbsent(r.name(), n -> new UnknownKernel(r, resolved.family())).add(r.durationNs());
        }
    }

    /** The distinct kernels, largest measured time first. */
    List<DistinctKernel> groupsByTime() {
        List<DistinctKernel> list = new ArrayList<>(groups.values());
        list.sort((a, b) -> Long.compare(b.measuredNs, a.measuredNs));
        return list;
    }

    /** Predicted / measured per predicted kernel, per family, in {@link OperationFamily} order. */
    Map<OperationFamily, float[]> ratiosByFamily() {
        Map<OperationFamily, float[]> map = new EnumMap<>(OperationFamily.class);
        ratios.forEach((f, list) -> map.put(f, list.sorted()));
        return map;
    }

    /** Measured time per stage and family (nanoseconds, indexed by family ordinal), stages sorted by name. */
    Map<String, long[]> stageFamilyNs() {
        return new TreeMap<>(stageFamilyNs);
    }

    /** The family most kernels of an op mapping belong to (first seen). */
    String familyOfOp(String op) {
        return opFamily.getOrDefault(op, OperationFamily.OTHER.id());
    }

    /** Kernel names not resolved through a database, largest time first. */
    List<UnknownKernel> unknownKernels() {
        List<UnknownKernel> list = new ArrayList<>(unknown.values());
        list.sort((a, b) -> Long.compare(b.timeNs, a.timeNs));
        return list;
    }

    /** The streams kernels ran on, as {@code device:stream}. */
    Collection<String> streams() {
        return streams;
    }

    /** Operands as the CSV writes them: {@code name [shape] dtype}, joined by {@code "; "}. */
    static String operands(List<Operand> operands) {
        return operands.stream().map(o -> o.name() + " " + o.shape() + " " + o.dataType().id()
                + (o.direction() == Direction.INPUT ? "" : " (" + o.direction().name().toLowerCase(java.util.Locale.ROOT)
                        .replace("input_output", "input/output") + ")"))
                .collect(Collectors.joining("; "));
    }

    private static boolean hasShapes(Optional<OperatorCall> operator) {
        return operator.isPresent() && operator.get().shapeSource() != ShapeSource.NONE;
    }

    private static String dims(Optional<OperatorCall> operator) {
        if (!hasShapes(operator)) {
            return "";
        }
        return operator.get().inputs().stream().map(i -> i.dims().format()).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String types(Optional<OperatorCall> operator) {
        if (!hasShapes(operator)) {
            return "";
        }
        return operator.get().inputs().stream().map(OperatorInput::type).collect(Collectors.joining(", "));
    }

    private static String dataTypes(List<Operand> operands, Optional<OperatorCall> operator) {
        if (!operands.isEmpty()) {
            return operands.stream().map(o -> o.dataType().id()).distinct().collect(Collectors.joining(", "));
        }
        return types(operator);
    }

    /** One distinct kernel: a name with one set of operands and operator shapes. */
    static final class DistinctKernel {
        final String name;
        final OperationFamily family;
        final String opMapping;
        final String shapes;
        final String dataTypes;
        final String operator;
        final boolean resolvedByDatabase;
        long count;
        long measuredNs;
        long minNs = Long.MAX_VALUE;
        long maxNs;
        long predictedCount;
        long predictedNs;
        long measuredOfPredictedNs;
        String simulationNote = "";

        DistinctKernel(String name, OperationFamily family, String opMapping, String shapes, String dataTypes,
                    String operator, boolean resolvedByDatabase) {
            this.name = name;
            this.family = family;
            this.opMapping = opMapping;
            this.shapes = shapes;
            this.dataTypes = dataTypes;
            this.operator = operator;
            this.resolvedByDatabase = resolvedByDatabase;
        }

        void add(long durationNs, long predicted) {
            count++;
            measuredNs += durationNs;
            minNs = Math.min(minNs, durationNs);
            maxNs = Math.max(maxNs, durationNs);
            if (predicted >= 0) {
                predictedCount++;
                predictedNs += predicted;
                measuredOfPredictedNs += durationNs;
            }
        }

        /** Mean measured duration, nanoseconds. */
        double meanNs() {
            return count == 0 ? 0 : (double) measuredNs / count;
        }

        /** Whether at least one kernel of the group has a prediction. */
        boolean predicted() {
            return predictedCount > 0;
        }

        /** Mean predicted duration of the predicted kernels, nanoseconds. */
        double meanPredictedNs() {
            return predictedCount == 0 ? 0 : (double) predictedNs / predictedCount;
        }

        /** Mean measured duration of the predicted kernels, nanoseconds. */
        double meanMeasuredOfPredictedNs() {
            return predictedCount == 0 ? 0 : (double) measuredOfPredictedNs / predictedCount;
        }

        /** Signed error of the group's predicted total against its measured total, percent. */
        double errorPercent() {
            return measuredOfPredictedNs == 0 ? 0 : 100.0 * (predictedNs - measuredOfPredictedNs) / measuredOfPredictedNs;
        }
    }

    /** A kernel name no database knows, with what a kernels.json entry needs. */
    static final class UnknownKernel {
        final String name;
        final OperationFamily family;
        final String operator;
        final List<OperatorInput> inputs;
        final String callStack;
        long count;
        long timeNs;

        UnknownKernel(KernelRecord first, OperationFamily family) {
            this.name = first.name();
            this.family = family;
            this.operator = first.operator().map(OperatorCall::name).orElse("");
            this.inputs = first.operator().map(OperatorCall::inputs).orElse(List.of());
            this.callStack = first.callStackString();
        }

        void add(long durationNs) {
            count++;
            timeNs += durationNs;
        }
    }

    /** A growable float array. */
    private static final class FloatList {
        private float[] values = new float[16];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        float[] sorted() {
            float[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
