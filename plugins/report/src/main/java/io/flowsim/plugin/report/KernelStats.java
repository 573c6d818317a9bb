package io.flowsim.plugin.report;

import io.flowsim.api.model.Bound;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelEfficiency;
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

    private final Map<String, DistinctKernel> groups = new LinkedHashMap<>();
    private final Map<OperationFamily, FloatList> ratios = new EnumMap<>(OperationFamily.class);
    private final TreeSet<String> stages = new TreeSet<>();
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
        result.analysis().efficiency().ifPresent(group::addEfficiency);
        stages.add(result.analysis().stage().id());
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

    /** The stages the kernels are in ({@code prefill}, {@code decode}, {@code other}), sorted. */
    Collection<String> stages() {
        return stages;
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
        boolean network;
        DataType computeType = DataType.UNKNOWN;
        double flops;
        double bytes;
        long workNs;
        double rooflineNs;
        long rooflineCoveredNs;
        final Map<Bound, Long> timeByBound = new EnumMap<>(Bound.class);

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

        /** Adds the efficiency the runtime worked out for one kernel of the group. */
        void addEfficiency(KernelEfficiency e) {
            timeByBound.merge(e.bound(), e.durationNs(), Long::sum);
            if (!e.work().known() || e.durationNs() <= 0) {
                return;
            }
            network |= e.work().network();
            if (computeType == DataType.UNKNOWN) {
                computeType = e.work().computeType();
            }
            flops += e.work().flops();
            bytes += e.work().network() ? e.work().networkBytes() : e.work().bytes();
            workNs += e.durationNs();
            if (e.rooflineNs().isPresent()) {
                rooflineNs += e.rooflineNs().getAsDouble();
                rooflineCoveredNs += e.durationNs();
            }
        }

        /** Whether the work (FLOPs and bytes) of at least one kernel of the group is known. */
        boolean workKnown() {
            return workNs > 0;
        }

        /** Achieved TFLOP/s over the kernels with known work. */
        double tflops() {
            return workNs == 0 ? 0 : flops / workNs / 1e3;
        }

        /** Achieved TB/s (link bytes for a collective) over the kernels with known work. */
        double terabytesPerSecond() {
            return workNs == 0 ? 0 : bytes / workNs / 1e3;
        }

        /** FLOPs per byte moved; 0 when no bytes are known. */
        double intensity() {
            return bytes <= 0 ? 0 : flops / bytes;
        }

        /** Roofline time over the measured time of the kernels that have one, percent; negative when none. */
        double percentOfPeak() {
            return rooflineCoveredNs == 0 ? -1 : 100.0 * rooflineNs / rooflineCoveredNs;
        }

        /** The bound holding most of the group's time. */
        Bound bound() {
            Bound best = Bound.UNKNOWN;
            long most = 0;
            for (Map.Entry<Bound, Long> e : timeByBound.entrySet()) {
                if (e.getValue() > most) {
                    most = e.getValue();
                    best = e.getKey();
                }
            }
            return best;
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
