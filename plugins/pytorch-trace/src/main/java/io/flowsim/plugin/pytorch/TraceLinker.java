package io.flowsim.plugin.pytorch;

import io.flowsim.api.Progress;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.ShapeSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Links every GPU activity to the CPU side (trace-format.md §8), after the scan:
 *
 * <ol>
 *   <li>activity &rarr; launching runtime/driver call by {@code correlation} (an {@code ac2g} flow
 *       when the activity has no correlation);</li>
 *   <li>launch call &rarr; operator by its {@code External id} where the trace has the new
 *       semantics and the operator encloses the call on its thread, else the innermost
 *       {@code cpu_op} enclosing the call on its thread;</li>
 *   <li>when that operator recorded no shapes, or there is none: the innermost shape-labelled
 *       {@code user_annotation} enclosing the call, else a shape-labelled
 *       {@code gpu_user_annotation} enclosing the activity on its stream;</li>
 *   <li>call stack: every CPU span enclosing the launch on its thread, innermost first.</li>
 * </ol>
 *
 * Enclosing frames come from one sequential read of the {@link CpuEventSpill}.
 */
final class TraceLinker {

    private final TraceScanner scan;
    private final CpuEventSpill spill;
    private final ExternalIdDialect dialect;
    private final String file;
    private final ParseCounts counts;

    private final Map<Long, ExternalIdTarget> wanted = new HashMap<>();

    private final Progress progress;
    /** Read from the trace's distributedInfo on first use; -1 until then. */
    private int worldSize = -1;
    /** {@code --world-size}: the group size of collectives without a process group; 0 when not given. */
    private final int givenWorldSize;

    TraceLinker(TraceScanner scan, CpuEventSpill spill, ExternalIdDialect dialect, String file, Progress progress,
                int givenWorldSize) {
        this.givenWorldSize = givenWorldSize;
        this.progress = progress;
        this.scan = scan;
        this.spill = spill;
        this.dialect = dialect;
        this.file = file;
        this.counts = scan.counts;
    }

    void link() throws IOException {
        findLaunches();
        collectWantedExternalIds();
        walk();
        for (RuntimeCall call : scan.runtimeCalls) {
            if (call.launchedWork) {
                chooseOperator(call);
            }
            if (call.nestedInCpuOp) {
                count(ParseStatistic.RUNTIME_NESTED_IN_CPU_OP);
            }
            if (call.nestedInCpuOp || call.nestedInAnnotation) {
                count(ParseStatistic.RUNTIME_NESTED_IN_CPU_OP_OR_ANNOTATION);
            }
        }
        // each label is parsed once here; labels that are not shape labels are dropped
        Map<Integer, List<ParsedLabel>> labelsByStream = new HashMap<>();
        for (GpuAnnotation a : scan.gpuLabels) {
            ShapeLabels.parse(a.name(), a.externalId()).ifPresent(call ->
                    labelsByStream.computeIfAbsent(a.thread(), k -> new ArrayList<>()).add(new ParsedLabel(a, call)));
        }
        for (GpuActivity activity : scan.activities) {
            linkOperator(activity, labelsByStream);
        }
        // keep only the names: the frames hold operator args that are no longer needed
        for (RuntimeCall call : scan.runtimeCalls) {
            if (call.launchedWork) {
                String[] names = new String[call.frames.size() + 1];
                names[0] = call.name;
                for (int i = 0; i < call.frames.size(); i++) {
                    names[i + 1] = call.frames.get(i).name;
                }
                call.callStack = List.of(names);
            }
            call.frames = List.of();
            call.operatorFrame = null;
            call.labelFrame = null;
        }
        wanted.clear();
    }

    // --- 1. activity -> launch call ---------------------------------------------------------------

    private void findLaunches() throws IOException {
        Map<Long, Object> byCorrelation = new HashMap<>();
        for (RuntimeCall call : scan.runtimeCalls) {
            if (Ids.present(call.correlation)) {
                byCorrelation.merge(call.correlation, call, TraceLinker::addCandidate);
            }
        }
        // Which CPU process launches onto which GPU process, learnt from unambiguous links; used to
        // settle correlation ids that several processes share (traces merged from several ranks).
        Map<Object, Map<Object, Integer>> owners = new HashMap<>();
        List<GpuActivity> ambiguous = new ArrayList<>();
        boolean needFlows = false;
        for (GpuActivity a : scan.activities) {
            if (!Ids.present(a.correlation)) {
                needFlows = true;
                continue;
            }
            Object found = byCorrelation.get(a.correlation);
            if (found instanceof RuntimeCall call) {
                setLaunch(a, call, Linkage.LaunchLink.CORRELATION);
                owners.computeIfAbsent(scan.threads.pid(a.thread), k -> new HashMap<>())
                        .merge(scan.threads.pid(call.thread), 1, Integer::sum);
            } else if (found != null) {
                ambiguous.add(a);
            }
        }
        for (GpuActivity a : ambiguous) {
            @SuppressWarnings("unchecked")
            List<RuntimeCall> candidates = (List<RuntimeCall>) byCorrelation.get(a.correlation);
            setLaunch(a, pick(a, candidates, owners.get(scan.threads.pid(a.thread))), Linkage.LaunchLink.CORRELATION);
            if (a.kind == EventKind.KERNEL) {
                count(ParseStatistic.KERNELS_LAUNCH_AMBIGUOUS);
            }
        }
        if (needFlows) {
            findLaunchesByFlow();
        }
        for (GpuActivity a : scan.activities) {
            if (a.kind != EventKind.KERNEL) {
                continue;
            }
            if (a.launchLink == Linkage.LaunchLink.CORRELATION) {
                count(ParseStatistic.KERNELS_LAUNCH_BY_CORRELATION);
            } else if (a.launchLink == Linkage.LaunchLink.FLOW) {
                count(ParseStatistic.KERNELS_LAUNCH_BY_FLOW);
            } else {
                count(ParseStatistic.KERNELS_LAUNCH_MISSING);
            }
        }
        for (RuntimeCall call : scan.runtimeCalls) {
            if (call.launchedWork) {
                count(ParseStatistic.RUNTIME_LAUNCHES);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object addCandidate(Object existing, Object added) {
        List<RuntimeCall> list;
        if (existing instanceof RuntimeCall c) {
            list = new ArrayList<>(2);
            list.add(c);
        } else {
            list = (List<RuntimeCall>) existing;
        }
        list.add((RuntimeCall) added);
        return list;
    }

    /** Among calls sharing a correlation id: the one from the process that owns the GPU, else the latest before the activity. */
    private RuntimeCall pick(GpuActivity a, List<RuntimeCall> candidates, Map<Object, Integer> owners) {
        if (owners != null) {
            Object owner = owners.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
            List<RuntimeCall> owned = candidates.stream()
                    .filter(c -> Objects.equals(scan.threads.pid(c.thread), owner)).toList();
            if (owned.size() == 1) {
                return owned.get(0);
            }
        }
        RuntimeCall best = null;
        for (RuntimeCall c : candidates) {
            if (c.tsNs <= a.tsNs && (best == null || c.tsNs > best.tsNs)) {
                best = c;
            }
        }
        return best != null ? best : candidates.get(0);
    }

    private static void setLaunch(GpuActivity a, RuntimeCall call, Linkage.LaunchLink link) {
        a.launchCall = call;
        a.launchLink = link;
        call.launchedWork = true;
    }

    /** For activities without a correlation id: the {@code f} flow on the activity, its {@code s} flow, the call there. */
    private void findLaunchesByFlow() throws IOException {
        Map<Integer, List<GpuActivity>> byThread = new HashMap<>();
        for (GpuActivity a : scan.activities) {
            if (!Ids.present(a.correlation)) {
                byThread.computeIfAbsent(a.thread, k -> new ArrayList<>()).add(a);
            }
        }
        Map<Long, GpuActivity> byFlowId = new HashMap<>();
        Map<Long, long[]> starts = new HashMap<>();
        try (CpuEventSpill.RecordReader reader = spill.reader(scan.names)) {
            Object record;
            while ((record = reader.next()) != null) {
                if (!(record instanceof CpuEventSpill.Flow flow)) {
                    continue;
                }
                if (flow.start()) {
                    starts.putIfAbsent(flow.id(), new long[] {flow.thread(), flow.tsNs()});
                    continue;
                }
                for (GpuActivity a : byThread.getOrDefault(flow.thread(), List.of())) {
                    if (a.tsNs <= flow.tsNs() && flow.tsNs() <= a.endNs()) {
                        byFlowId.putIfAbsent(flow.id(), a);
                        break;
                    }
                }
            }
        }
        Map<Integer, List<RuntimeCall>> callsByThread = new HashMap<>();
        for (RuntimeCall c : scan.runtimeCalls) {
            callsByThread.computeIfAbsent(c.thread, k -> new ArrayList<>()).add(c);
        }
        byFlowId.forEach((id, activity) -> {
            long[] start = starts.get(id);
            if (start == null || activity.launchCall != null) {
                return;
            }
            for (RuntimeCall c : callsByThread.getOrDefault((int) start[0], List.of())) {
                if (c.tsNs <= start[1] && start[1] <= c.endNs()) {
                    setLaunch(activity, c, Linkage.LaunchLink.FLOW);
                    return;
                }
            }
        });
    }

    // --- 2. the call-stack walk ------------------------------------------------------------------------

    private void collectWantedExternalIds() {
        for (RuntimeCall c : scan.runtimeCalls) {
            if (c.launchedWork && Ids.present(c.externalId)) {
                wanted.computeIfAbsent(c.externalId, k -> new ExternalIdTarget());
            }
        }
        for (GpuActivity a : scan.activities) {
            if (Ids.present(a.externalId)) {
                wanted.computeIfAbsent(a.externalId, k -> new ExternalIdTarget());
            }
        }
    }

    /**
     * The original FlowSim's walk, per thread, over every span in start order: pop the spans that
     * ended at or before the next start, push the next. A launch's call stack is the walk's stack
     * when the launch is pushed. (A span that ended but lies under a span that outlives it stays on
     * the stack, as in the original: the frames that opened a record_function range, for example.)
     */
    private void walk() throws IOException {
        boolean[] threadHasCalls = new boolean[scan.threads.size()];
        List<Frame> calls = new ArrayList<>(scan.runtimeCalls.size());
        for (RuntimeCall c : scan.runtimeCalls) {
            threadHasCalls[c.thread] = true;
            calls.add(c.asFrame());
        }
        calls.sort(Frame.WALK_ORDER);
        try (SortedFrames sorted = SortedFrames.sort(spill, scan.names, t -> threadHasCalls[t], f -> threadHasCalls[f.thread]
                || Ids.present(f.externalId) && wanted.containsKey(f.externalId), progress);
             SortedFrames.Merged frames = sorted.frames()) {
            Iterator<Frame> spilled = frames;
            Iterator<Frame> runtime = calls.iterator();
            Frame nextSpilled = spilled.hasNext() ? spilled.next() : null;
            Frame nextCall = runtime.hasNext() ? runtime.next() : null;
            List<Frame> stack = new ArrayList<>();
            int thread = -1;
            long walked = 0;
            while (nextSpilled != null || nextCall != null) {
                if ((++walked & 0xffff) == 0) {
                    progress.advance(0x10000);
                }
                Frame f;
                if (nextCall == null || nextSpilled != null && Frame.compareWalkOrder(nextSpilled, nextCall) <= 0) {
                    f = nextSpilled;
                    nextSpilled = spilled.hasNext() ? spilled.next() : null;
                } else {
                    f = nextCall;
                    nextCall = runtime.hasNext() ? runtime.next() : null;
                }
                if (f.thread != thread) {
                    stack.clear();
                    thread = f.thread;
                }
                while (!stack.isEmpty() && stack.get(stack.size() - 1).endNs() <= f.tsNs) {
                    stack.remove(stack.size() - 1);
                }
                if (f.call != null) {
                    onRuntimeCall(f.call, stack);
                } else if ((f.kind == EventKind.CPU_OP || f.kind == EventKind.USER_ANNOTATION)
                        && Ids.present(f.externalId)) {
                    ExternalIdTarget target = wanted.get(f.externalId);
                    if (target != null) {
                        target.offer(f);
                    }
                }
                if (threadHasCalls[f.thread]) {
                    stack.add(f);
                }
            }
        }
    }

    private static void onRuntimeCall(RuntimeCall call, List<Frame> stack) {
        for (int i = stack.size() - 1; i >= 0; i--) {
            Frame f = stack.get(i);
            if ((f.kind == EventKind.CPU_OP || f.kind == EventKind.USER_ANNOTATION) && f.contains(call.tsNs)) {
                if (f.kind == EventKind.CPU_OP) {
                    call.nestedInCpuOp = true;
                    break;
                }
                call.nestedInAnnotation = true;
            }
        }
        if (call.launchedWork) {
            List<Frame> frames = new ArrayList<>(stack.size());
            for (int i = stack.size() - 1; i >= 0; i--) {
                frames.add(stack.get(i));
            }
            call.frames = frames;
        }
    }

    // --- 3. launch call -> operator -------------------------------------------------------------------

    private void chooseOperator(RuntimeCall call) {
        Frame nesting = null;
        Frame label = null;
        for (Frame f : call.frames) {
            if (!f.contains(call.tsNs)) {
                continue;
            }
            if (nesting == null && f.kind == EventKind.CPU_OP) {
                nesting = f;
            }
            if (label == null && f.kind == EventKind.USER_ANNOTATION && label(f) != null) {
                label = f;
            }
            if (call.collectiveName == null) {
                call.collectiveName = collectiveName(f.name);
            }
        }
        call.labelFrame = label;
        call.operatorFrame = nesting;
        if (dialect == ExternalIdDialect.NEW && Ids.present(call.externalId) && call.externalId != call.correlation) {
            ExternalIdTarget target = wanted.get(call.externalId);
            Frame byId = target == null ? null : target.best();
            if (byId != null && byId.thread == call.thread && byId.contains(call.tsNs)) {
                call.operatorFrame = byId;
                call.operatorByExternalId = true;
                if (nesting != null && nesting != byId) {
                    count(ParseStatistic.RUNTIME_EXTERNAL_ID_DISAGREES_WITH_NESTING);
                }
            } else {
                count(ParseStatistic.RUNTIME_EXTERNAL_ID_REJECTED);
                call.problem = byId == null
                        ? "External id " + call.externalId + " names no operator in the trace; linked by nesting"
                        : "External id " + call.externalId + " names operator '" + byId.name
                                + "', which does not enclose the launch; linked by nesting";
            }
        }
    }

    /** A GPU annotation whose name parsed as a shape label. */
    private record ParsedLabel(GpuAnnotation annotation, OperatorCall call) {
    }

    private void linkOperator(GpuActivity a, Map<Integer, List<ParsedLabel>> labelsByStream) {
        RuntimeCall call = a.launchCall;
        Frame operatorFrame = null;
        boolean byExternalId = false;
        if (call != null) {
            operatorFrame = call.operatorFrame;
            byExternalId = call.operatorByExternalId;
            a.problem = call.problem;
        } else if (dialect == ExternalIdDialect.NEW && Ids.present(a.externalId) && a.externalId != a.correlation) {
            ExternalIdTarget target = wanted.get(a.externalId);
            operatorFrame = target == null ? null : target.best();
            byExternalId = operatorFrame != null;
        }
        OperatorCall op = operatorFrame == null ? null : operator(operatorFrame);
        boolean kernel = a.kind == EventKind.KERNEL;
        if (kernel && Ids.present(a.externalId)) {
            ExternalIdTarget target = wanted.get(a.externalId);
            if (target != null && target.cpuOp != null) {
                count(ParseStatistic.KERNELS_EXTERNAL_ID_MATCHES_CPU_OP);
            }
        }
        if (kernel && call != null && call.nestedInCpuOp) {
            count(ParseStatistic.KERNELS_LAUNCH_NESTED_IN_CPU_OP);
        }
        if (op != null) {
            a.operator = op;
            a.operatorLink = byExternalId ? Linkage.OperatorLink.EXTERNAL_ID : Linkage.OperatorLink.NESTING;
        }
        if (op == null || op.shapeSource() == ShapeSource.NONE) {
            OperatorCall label = null;
            if (call != null && call.labelFrame != null) {
                label = label(call.labelFrame);
                a.shapeLabel = call.labelFrame.name;
                count(kernel ? ParseStatistic.KERNELS_OP_BY_ANNOTATION : null);
            } else {
                ParsedLabel gpuLabel = enclosingLabel(a, labelsByStream.get(a.thread));
                if (gpuLabel != null) {
                    label = gpuLabel.call();
                    a.shapeLabel = gpuLabel.annotation().name();
                    count(kernel ? ParseStatistic.KERNELS_OP_BY_GPU_ANNOTATION : null);
                }
            }
            if (label != null) {
                if (op != null) {
                    a.unshapedOperator = op.name();
                }
                a.operator = label;
                a.operatorLink = Linkage.OperatorLink.ANNOTATION;
            } else if (op != null) {
                a.problem = join(a.problem, "operator '" + op.name() + "' recorded no input shapes");
            }
        }
        if (a.collective == null && operatorFrame != null && a.operatorLink != Linkage.OperatorLink.ANNOTATION) {
            a.collectiveFromOperator = collective(operatorFrame);
            if (a.collectiveFromOperator == null && call != null && call.collectiveName != null && op != null) {
                a.collectiveFromOperator = groupFromEnclosingOperator(call);
            }
            if (a.collectiveFromOperator == null && call != null && call.collectiveName != null && op != null) {
                a.collectiveFromOperator = givenWorldSize > 0
                        ? CollectiveFallback.fromOperator(call.collectiveName, op, givenWorldSize, "--world-size")
                        : CollectiveFallback.fromOperator(call.collectiveName, op, worldSize(), "the trace's world size");
            }
        }
        if (a.launchCall == null) {
            a.problem = join(a.problem, Ids.present(a.correlation)
                    ? "no launch call with correlation " + a.correlation + " in the trace"
                            + " (launched before the profiler started recording?)"
                    : "no correlation id and no launch flow");
        } else if (a.operator == null) {
            a.problem = join(a.problem, "launched by " + a.launchCall.name + " outside any operator or shape annotation");
        }
        if (kernel) {
            countKernel(a, byExternalId);
        } else {
            count(a.operator != null ? ParseStatistic.MEMORY_OPS_LINKED_TO_OP : ParseStatistic.MEMORY_OPS_UNLINKED);
        }
    }

    private void countKernel(GpuActivity a, boolean byExternalId) {
        switch (a.operatorLink) {
            case EXTERNAL_ID -> count(ParseStatistic.KERNELS_OP_BY_EXTERNAL_ID);
            case NESTING -> count(ParseStatistic.KERNELS_OP_BY_NESTING);
            case ANNOTATION -> {
                // counted where the annotation was found (CPU or GPU side)
            }
            default -> count(ParseStatistic.KERNELS_OP_NONE);
        }
        if (a.operator == null || a.operator.shapeSource() == ShapeSource.NONE) {
            count(ParseStatistic.KERNELS_WITHOUT_SHAPES);
        } else if (a.operator.shapeSource() == ShapeSource.ANNOTATION) {
            count(ParseStatistic.KERNELS_SHAPES_FROM_ANNOTATION);
        } else {
            count(ParseStatistic.KERNELS_SHAPES_FROM_PROFILER);
        }
        if (a.launchCall == null || a.operator == null) {
            count(ParseStatistic.KERNELS_UNLINKED);
        }
        if (a.launchCall != null) {
            count(ParseStatistic.KERNELS_WITH_CALL_STACK);
            if (a.launchCall.name.contains("GraphLaunch")) {
                count(ParseStatistic.KERNELS_IN_CUDA_GRAPH);
            }
        }
    }

    private static String join(String first, String second) {
        return first == null ? second : first + "; " + second;
    }

    /** The innermost (latest-starting) shape label on the activity's stream that encloses it. */
    private static ParsedLabel enclosingLabel(GpuActivity a, List<ParsedLabel> labels) {
        if (labels == null) {
            return null;
        }
        ParsedLabel best = null;
        for (ParsedLabel p : labels) {
            GpuAnnotation l = p.annotation();
            if (l.tsNs() <= a.tsNs && a.endNs() <= l.endNs()
                    && (best == null || l.tsNs() > best.annotation().tsNs())) {
                best = p;
            }
        }
        return best;
    }

    /**
     * The collective from an enclosing {@code c10d::} operator whose output and input shapes tell the group
     * size ({@code _allgather_base_}, {@code _reduce_scatter_base_}), for a launch whose innermost operator
     * ({@code record_param_comms} of older PyTorch) records only one of the tensors; null when none does.
     */
    private CollectiveInfo groupFromEnclosingOperator(RuntimeCall call) {
        for (Frame f : call.frames) {
            if (f.kind == EventKind.CPU_OP && f.name.startsWith("c10d::") && f.contains(call.tsNs)) {
                OperatorCall enclosing = operator(f);
                CollectiveInfo c = enclosing == null ? null
                        : CollectiveFallback.fromOperator(call.collectiveName, enclosing, 0, "");
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    /** {@code all_to_all} for {@code nccl:all_to_all}, {@code _allgather_base_} for {@code c10d::_allgather_base_}. */
    static String collectiveName(String frameName) {
        if (frameName.startsWith("nccl:")) {
            return frameName.substring(5);
        }
        if (frameName.startsWith("c10d::")) {
            return frameName.substring(6);
        }
        return null;
    }

    /** The trace's world size ({@code distributedInfo.world_size}), or 0 when it does not say. */
    private int worldSize() {
        if (worldSize < 0) {
            worldSize = TraceMetadataReader.distributed(scan.distributedInfo)
                    .flatMap(d -> d.worldSize().isPresent() ? java.util.Optional.of(d.worldSize().getAsInt())
                            : java.util.Optional.empty())
                    .orElse(0);
        }
        return worldSize;
    }

    /** The frame's operator and collective arguments, parsed once from its args. */
    private OperatorCall operator(Frame f) {
        if (f.operator == null) {
            if (f.kind != EventKind.CPU_OP && f.kind != EventKind.USER_ANNOTATION || f.args == null) {
                f.operator = new OperatorCall(f.name, Ids.present(f.externalId)
                        ? java.util.OptionalLong.of(f.externalId) : java.util.OptionalLong.empty(), List.of(),
                        ShapeSource.NONE);
            } else {
                ArgView args = new ArgView(OperatorArgs.read(f.args), file, f.location,
                        f.kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + f.name + "'");
                f.operator = OperatorArgs.operator(f.name, f.externalId, args);
                f.collective = OperatorArgs.collective(args).orElse(null);
            }
        }
        return f.operator;
    }

    private CollectiveInfo collective(Frame f) {
        operator(f);
        return f.collective;
    }

    private static OperatorCall label(Frame f) {
        if (!f.labelParsed) {
            f.labelParsed = true;
            f.label = TraceScanner.looksLikeLabel(f.name)
                    ? ShapeLabels.parse(f.name, f.externalId).orElse(null) : null;
        }
        return f.label;
    }

    private void count(ParseStatistic statistic) {
        if (statistic != null) {
            counts.increment(statistic);
        }
    }

    /** The operators (and annotations) that carry one External id. */
    private static final class ExternalIdTarget {
        Frame cpuOp;
        Frame annotation;

        void offer(Frame f) {
            if (f.kind == EventKind.CPU_OP) {
                if (cpuOp == null) {
                    cpuOp = f;
                }
            } else if (annotation == null) {
                annotation = f;
            }
        }

        Frame best() {
            return cpuOp != null ? cpuOp : annotation;
        }
    }
}
