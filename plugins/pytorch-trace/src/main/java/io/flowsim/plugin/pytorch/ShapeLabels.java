package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.Dims;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses the shape-carrying {@code record_function} labels that sglang (with FlowSim's patches)
 * puts around kernels launched outside the PyTorch dispatcher (Triton, FlashInfer):
 *
 * <ul>
 *   <li>current format ({@code hook.patch}): {@code base|arg[d0xd1:dtype],arg[:dtype],...}; a
 *       0-dim tensor has an empty shape;</li>
 *   <li>legacy format: {@code name[arg=(d0, d1),arg=(d,),n=1024,dtype=torch.int32,torch.int64,int]},
 *       where the trailing {@code dtype=} list gives one type per argument, tensors and scalars
 *       alike.</li>
 * </ul>
 *
 * A name that is neither, or that describes no argument, is not a label.
 */
final class ShapeLabels {

    private ShapeLabels() {
    }

    /** The label's operator (name = the label's base, inputs from the label), if {@code name} is a label. */
    static Optional<OperatorCall> parse(String name, long externalId) {
        List<OperatorInput> inputs = new ArrayList<>();
        String base;
        int bar = name.indexOf('|');
        if (bar > 0) {
            base = name.substring(0, bar);
            if (!parseCurrent(name, bar + 1, inputs)) {
                return Optional.empty();
            }
        } else {
            int open = name.indexOf('[');
            if (open <= 0 || !name.endsWith("]")) {
                return Optional.empty();
            }
            base = name.substring(0, open);
            if (!parseLegacy(name.substring(open + 1, name.length() - 1), inputs)) {
                return Optional.empty();
            }
        }
        if (inputs.isEmpty() || base.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new OperatorCall(base.trim(),
                Ids.present(externalId) ? OptionalLong.of(externalId) : OptionalLong.empty(), inputs,
                ShapeSource.ANNOTATION));
    }

    /** {@code arg[d0xd1:dtype],arg[:dtype]} from {@code from}. */
    private static boolean parseCurrent(String s, int from, List<OperatorInput> inputs) {
        int i = from;
        int n = s.length();
        while (i < n) {
            int open = s.indexOf('[', i);
            if (open < 0) {
                return false;
            }
            int close = s.indexOf(']', open);
            if (close < 0) {
                return false;
            }
            String arg = s.substring(i, open).trim();
            String content = s.substring(open + 1, close);
            int colon = content.lastIndexOf(':');
            if (arg.isEmpty() || colon < 0) {
                return false;
            }
            Optional<Dims> dims = parseDims(content.substring(0, colon), 'x');
            if (dims.isEmpty()) {
                return false;
            }
            inputs.add(new OperatorInput(Optional.of(arg), content.substring(colon + 1).trim(), dims.get(), Dims.EMPTY,
                    Optional.empty()));
            i = close + 1;
            if (i < n) {
                if (s.charAt(i) != ',') {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** {@code arg=(d0, d1),n=1024,dtype=torch.int32,int}: the text between the outer brackets. */
    private static boolean parseLegacy(String inner, List<OperatorInput> inputs) {
        int dtypeAt;
        if (inner.startsWith("dtype=")) {
            dtypeAt = 0;
        } else {
            int k = inner.lastIndexOf(",dtype=");
            if (k < 0) {
                return false;
            }
            dtypeAt = k + 1;
        }
        String dtypeList = inner.substring(dtypeAt + "dtype=".length());
        List<String> dtypes = dtypeList.isEmpty() ? List.of() : List.of(dtypeList.split(",", -1));
        String args = dtypeAt == 0 ? "" : inner.substring(0, dtypeAt - 1);
        int i = 0;
        int n = args.length();
        int index = 0;
        while (i < n) {
            int eq = args.indexOf('=', i);
            if (eq < 0) {
                return false;
            }
            String arg = args.substring(i, eq).trim();
            int end = valueEnd(args, eq + 1);
            if (arg.isEmpty() || end < 0) {
                return false;
            }
            String value = args.substring(eq + 1, end).trim();
            String type = index < dtypes.size() ? dtypes.get(index).trim() : "";
            Optional<Dims> dims = value.startsWith("(") && value.endsWith(")")
                    ? parseDims(value.substring(1, value.length() - 1), ',') : Optional.empty();
            inputs.add(dims.isPresent()
                    ? new OperatorInput(Optional.of(arg), type, dims.get(), Dims.EMPTY, Optional.empty())
                    : new OperatorInput(Optional.of(arg), type, Dims.EMPTY, Dims.EMPTY, Optional.of(value)));
            index++;
            i = end;
            if (i < n) {
                i++;
            }
        }
        return true;
    }

    /** The end of a value starting at {@code from}: the next ',' outside brackets, or the end. */
    private static int valueEnd(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth < 0) {
                    return -1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return depth == 0 ? s.length() : -1;
    }

    /** {@code 4096x163844} or {@code 4096, 163844,} as a shape; empty text is the 0-dim shape. */
    private static Optional<Dims> parseDims(String text, char separator) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Optional.of(Dims.EMPTY);
        }
        String[] parts = t.split(separator == 'x' ? "x" : ",", -1);
        List<Long> sizes = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty() && i == parts.length - 1 && separator == ',') {
                continue; // Python's 1-tuple: (7,)
            }
            try {
                long v = Long.parseLong(p);
                if (v < 0) {
                    return Optional.empty();
                }
                sizes.add(v);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new Dims.Tensor(sizes));
    }
}
