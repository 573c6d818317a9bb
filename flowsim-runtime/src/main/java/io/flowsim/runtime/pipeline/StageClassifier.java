package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.Stage;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Places a kernel in a serving stage and finds the user annotation around it.
 *
 * <p>The stage comes from, in order: the stage the whole trace records (a per-stage profile, see
 * {@code TraceMetadata.STAGE}); the innermost user annotation ({@code record_function} range) on the
 * launch's call stack whose name says {@code prefill}, {@code extend} or {@code decode} as a word
 * ({@code decode_step_3} is decode, {@code ## decoder ##} is not); the kernel's own
 * {@code attention.phase}. Anything else is {@link Stage#OTHER}. Stateless and thread-safe.
 */
public final class StageClassifier {

    private static final Pattern PREFILL = Pattern.compile("(?i)(?:^|[^a-z])(?:prefill|extend)(?:[^a-z]|$)");
    private static final Pattern DECODE = Pattern.compile("(?i)(?:^|[^a-z])decode(?:[^a-z]|$)");
    private static final Pattern PROFILER_STEP = Pattern.compile("ProfilerStep#\\d+");

    private final Optional<Stage> traceStage;

    /** @param traceStage the stage of the whole trace, when it records one */
    public StageClassifier(Optional<Stage> traceStage) {
        this.traceStage = traceStage;
    }

    /** The stage of one kernel. */
    public Stage stage(ResolvedKernel k) {
        if (traceStage.isPresent()) {
            return traceStage.get();
        }
        for (String frame : k.kernel().callStack()) {
            if (!isAnnotation(frame)) {
                continue;
            }
            if (PREFILL.matcher(frame).find()) {
                return Stage.PREFILL;
            }
            if (DECODE.matcher(frame).find()) {
                return Stage.DECODE;
            }
        }
        String phase = k.attributes().get("attention.phase");
        if (phase != null) {
            try {
                return Stage.fromId(phase);
            } catch (IllegalArgumentException ignored) {
                return Stage.OTHER;
            }
        }
        return Stage.OTHER;
    }

    /**
     * The innermost user annotation around the kernel's launch that names a piece of the user's
     * program (not a communication library's own range, not a shape label); else the profiler step
     * ({@code ProfilerStep#N}) it ran in; else empty.
     */
    public static String annotation(KernelRecord r) {
        List<String> stack = r.callStack();
        String step = "";
        for (int i = 1; i < stack.size(); i++) {
            String frame = stack.get(i);
            if (!isAnnotation(frame) || frame.startsWith("nccl:") || frame.startsWith("gloo:")
                    || frame.contains("[") && frame.contains("=")) {
                continue;
            }
            if (PROFILER_STEP.matcher(frame).matches()) {
                if (step.isEmpty()) {
                    step = frame;
                }
                continue;
            }
            return frame;
        }
        return step;
    }

    /**
     * Whether a call-stack frame is a user annotation rather than an operator ({@code aten::mm}), a
     * module ({@code nn.Module: Linear_0}), a Python frame ({@code file.py(12): f}), a built-in, or an
     * autograd or runtime frame.
     */
    static boolean isAnnotation(String frame) {
        if (frame.isEmpty() || frame.contains("::") || frame.startsWith("nn.Module:") || frame.startsWith("<")
                || frame.contains(".py(") || frame.startsWith("cuda") || frame.startsWith("cu")
                && frame.length() > 2 && Character.isUpperCase(frame.charAt(2))) {
            return false;
        }
        String lower = frame.toLowerCase(Locale.ROOT);
        return !lower.equals("record_param_comms") && !lower.endsWith("backward0") && !lower.endsWith("backward1");
    }
}
