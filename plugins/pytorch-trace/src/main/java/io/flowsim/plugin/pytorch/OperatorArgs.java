package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonParser;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the {@code args} of a {@code cpu_op} (or of a kernel) into the API's operator inputs and
 * collective arguments: {@code Input Dims}, {@code Input type}, {@code Input Strides},
 * {@code Concrete Inputs}, and the collective keys of {@code record_param_comms} and NCCL kernels.
 */
final class OperatorArgs {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private OperatorArgs() {
    }

    /** Reads args written as JSON bytes by the scanner. */
    static Map<String, Object> read(byte[] json) {
        try (JsonParser p = TraceJson.FACTORY.createParser(json)) {
            p.nextToken();
            Object value = JsonValues.read(p);
            @SuppressWarnings("unchecked")
            Map<String, Object> map = value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot re-read operator arguments", e);
        }
    }

    /** The operator with its recorded inputs; {@link ShapeSource#NONE} when it recorded neither dims nor types. */
    static OperatorCall operator(String name, long externalId, ArgView args) {
        Optional<List<Object>> dims = args.has("Input Dims") ? args.list("Input Dims") : args.list("Input dims");
        Optional<List<Object>> types = args.has("Input type") ? args.list("Input type") : args.list("Input types");
        Optional<List<Object>> strides = args.list("Input Strides");
        Optional<List<Object>> concrete = args.list("Concrete Inputs");
        OptionalLong id = Ids.present(externalId) ? OptionalLong.of(externalId) : OptionalLong.empty();
        if (dims.isEmpty() && types.isEmpty()) {
            return new OperatorCall(name, id, List.of(), ShapeSource.NONE);
        }
        int count = Math.max(dims.map(List::size).orElse(0), types.map(List::size).orElse(0));
        List<OperatorInput> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Dims d = dims.isPresent() && i < dims.get().size() ? dims(dims.get().get(i), "Input Dims", args) : Dims.EMPTY;
            Dims s = strides.isPresent() && i < strides.get().size()
                    ? dims(strides.get().get(i), "Input Strides", args) : Dims.EMPTY;
            String type = types.isPresent() && i < types.get().size() ? text(types.get().get(i), "Input type", args) : "";
            String value = concrete.isPresent() && i < concrete.get().size()
                    ? text(concrete.get().get(i), "Concrete Inputs", args) : "";
            inputs.add(new OperatorInput(Optional.empty(), type, d, s,
                    value.isEmpty() ? Optional.empty() : Optional.of(value)));
        }
        return new OperatorCall(name, id, inputs, ShapeSource.PROFILER);
    }

    /** One {@code Input Dims} entry: a shape, {@code []}, or a nested list for TensorList inputs. */
    static Dims dims(Object value, String key, ArgView args) {
        if (!(value instanceof List<?> list)) {
            throw args.wrongType(key, "a list of shapes (lists of integers)", value);
        }
        boolean nested = false;
        for (Object o : list) {
            if (o instanceof List) {
                nested = true;
            } else if (!(o instanceof Long)) {
                throw args.wrongType(key, "a list of shapes (lists of integers)", value);
            }
        }
        if (!nested) {
            List<Long> sizes = new ArrayList<>(list.size());
            for (Object o : list) {
                sizes.add((Long) o);
            }
            return new Dims.Tensor(sizes);
        }
        List<Dims> elements = new ArrayList<>(list.size());
        for (Object o : list) {
            elements.add(o instanceof Long l ? Dims.of(l) : dims(o, key, args));
        }
        return new Dims.TensorList(elements);
    }

    private static String text(Object value, String key, ArgView args) {
        if (value == null) {
            return "";
        }
        if (value instanceof List || value instanceof Map) {
            throw args.wrongType(key, "a list of strings", value);
        }
        return JsonValues.text(value);
    }

    /** The collective arguments, when the args name a collective ({@code Collective name}). */
    static Optional<CollectiveInfo> collective(ArgView args) {
        Optional<String> name = args.text("Collective name");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        long in = args.integer("In msg nelems").orElse(0);
        long out = args.integer("Out msg nelems").orElse(0);
        if (in < 0 || out < 0) {
            throw args.invalid("negative element count in collective " + name.get());
        }
        List<Integer> ranks = ranks(args.get("Process Group Ranks"));
        long groupSize = args.integer("Group size").orElse(ranks.size());
        Optional<String> group = args.text("Process Group Name").or(() -> args.text("Process Group ID"));
        return Optional.of(new CollectiveInfo(name.get(), in, out, (int) Math.max(1, Math.min(groupSize, Integer.MAX_VALUE)),
                args.text("dtype").orElse(""), group, args.text("Process Group Description"), ranks));
    }

    /** {@code "[0, 1, 2, 3]"} (possibly cut as {@code "[0, 1, ..., 127]"}) or a JSON list. */
    private static List<Integer> ranks(Object value) {
        List<Integer> ranks = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                    ranks.add(l.intValue());
                }
            }
        } else if (value instanceof String s) {
            Matcher m = INTEGER.matcher(s);
            while (m.find()) {
                try {
                    ranks.add(Integer.parseInt(m.group()));
                } catch (NumberFormatException ignored) {
                    // a rank beyond int is not a rank
                }
            }
        }
        return ranks;
    }
}
