package ${package};

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A FlowSim exporter: writes a run's results somewhere. This starting point writes
 * {@code <trace>.family-totals.md}, a Markdown table of the kernels of each operation family with
 * their measured time and, where a backend predicted them, the predicted time, largest first; at
 * most {@code --${pluginId}.top} families (default 10). Replace it with your format or destination.
 *
 * <p>FlowSim opens one {@link ExportSession} per trace, passes every kernel to
 * {@link ExportSession#accept} in trace order, then calls {@link ExportSession#finish} and
 * {@link ExportSession#close}. Keep only what you need (here a few counters per family), never the
 * whole trace; write through {@link AtomicOutput} so a failed run leaves no file that looks complete.
 */
public final class FamilyTotalsExporter implements Exporter {

    /** The exporter's name: {@code --exporter ${pluginId}} (every exporter runs by default). */
    public static final String NAME = "${pluginId}";

    /** How many families the table lists. */
    public static final ExtensionOption<Integer> TOP = ExtensionOption
            .integer(NAME + ".top", "how many operation families " + NAME + " lists, largest measured time first")
            .withDefault(10);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "<trace>.family-totals.md: kernels and time per family (generated from the FlowSim plugin archetype)";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(TOP);
    }

    @Override
    public ExportSession open(ExportContext context) {
        int top = context.run().options().get(TOP);
        if (top < 1) {
            throw FlowsimException.usage("option " + TOP.longName() + " must be at least 1, not " + top);
        }
        Path target = context.outputDirectory().resolve(context.traceName() + ".family-totals.md");
        return new Session(target, top);
    }

    /** Totals of one family: kernels, measured ns, predicted kernels, predicted ns. */
    private static final class Totals {
        long kernels;
        long measuredNs;
        long predictedKernels;
        long predictedNs;
    }

    private static final class Session implements ExportSession {
        private final Path target;
        private final int top;
        private final Map<OperationFamily, Totals> families = new EnumMap<>(OperationFamily.class);

        Session(Path target, int top) {
            this.target = target;
            this.top = top;
        }

        @Override
        public void accept(KernelResult kernel) {
            Totals t = families.computeIfAbsent(kernel.kernel().family(), f -> new Totals());
            t.kernels++;
            t.measuredNs += kernel.kernel().kernel().durationNs();
            kernel.simulation().map(SimulationResult::predictedNs).filter(OptionalLong::isPresent).ifPresent(p -> {
                t.predictedKernels++;
                t.predictedNs += p.getAsLong();
            });
        }

        @Override
        public List<Path> finish(RunSummary summary) {
            List<Map.Entry<OperationFamily, Totals>> rows = new ArrayList<>(families.entrySet());
            rows.sort(Comparator.comparingLong((Map.Entry<OperationFamily, Totals> e) -> e.getValue().measuredNs)
                    .reversed());
            StringBuilder table = new StringBuilder("| family | kernels | measured ns | predicted kernels | predicted ns |\n")
                    .append("|---|---:|---:|---:|---:|\n");
            for (Map.Entry<OperationFamily, Totals> row : rows.subList(0, Math.min(top, rows.size()))) {
                Totals t = row.getValue();
                table.append("| ").append(row.getKey().id()).append(" | ").append(t.kernels).append(" | ")
                        .append(t.measuredNs).append(" | ").append(t.predictedKernels).append(" | ")
                        .append(t.predictedNs).append(" |\n");
            }
            try (AtomicOutput out = AtomicOutput.create(target)) {
                Files.writeString(out.temporary(), table);
                out.commit();
            } catch (IOException e) {
                throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
            }
            return List.of(target);
        }

        @Override
        public void close() {
            // nothing to release: the file is written, atomically, in finish()
        }
    }
}
