package io.flowsim.runtime.discovery;

import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.FlowsimExtension;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.MeasurementTableReader;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.TraceSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The immutable result of discovery: every extension by extension point, and the plugins that
 * failed. Closing it unloads the PF4J plugins (their class loaders); extensions must not be used
 * afterwards.
 */
public final class ExtensionRegistry implements AutoCloseable {

    private final Map<ExtensionPoint, List<Discovered<?>>> extensions;
    private final List<PluginFailure> failures;
    private final AutoCloseable onClose;

    ExtensionRegistry(Map<ExtensionPoint, List<Discovered<?>>> extensions, List<PluginFailure> failures,
                      AutoCloseable onClose) {
        Map<ExtensionPoint, List<Discovered<?>>> copy = new EnumMap<>(ExtensionPoint.class);
        for (ExtensionPoint p : ExtensionPoint.values()) {
            copy.put(p, List.copyOf(extensions.getOrDefault(p, List.of())));
        }
        this.extensions = copy;
        this.failures = List.copyOf(failures);
        this.onClose = onClose;
    }

    /** A registry of the given extensions only, for tests and embedding. */
    public static ExtensionRegistry of(List<Discovered<?>> all) {
        Map<ExtensionPoint, List<Discovered<?>>> byPoint = new EnumMap<>(ExtensionPoint.class);
        for (Discovered<?> d : all) {
            byPoint.computeIfAbsent(d.point(), p -> new ArrayList<>()).add(d);
        }
        return new ExtensionRegistry(byPoint, List.of(), () -> { });
    }

    /** Every extension of one extension point, in discovery order. */
    public List<Discovered<?>> all(ExtensionPoint point) {
        return extensions.get(point);
    }

    /** Every extension, grouped by extension point in enum order. */
    public List<Discovered<?>> all() {
        return extensions.values().stream().flatMap(List::stream).collect(Collectors.toList());
    }

    /** Trace sources in discovery order. */
    public List<Discovered<TraceSource>> traceSources() {
        return typed(ExtensionPoint.TRACE_SOURCE, TraceSource.class);
    }

    /** Kernel resolvers in discovery order. */
    public List<Discovered<KernelResolver>> resolvers() {
        return typed(ExtensionPoint.KERNEL_RESOLVER, KernelResolver.class);
    }

    /** Simulator backends in discovery order. */
    public List<Discovered<SimulatorBackend>> backends() {
        return typed(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class);
    }

    /** Exporters in discovery order. */
    public List<Discovered<Exporter>> exporters() {
        return typed(ExtensionPoint.EXPORTER, Exporter.class);
    }

    /** Measurement table readers in discovery order. */
    public List<Discovered<MeasurementTableReader>> tableReaders() {
        return typed(ExtensionPoint.MEASUREMENT_TABLE_READER, MeasurementTableReader.class);
    }

    /** The extension of {@code point} named {@code name}. */
    public <T extends FlowsimExtension> Optional<Discovered<T>> find(ExtensionPoint point, Class<T> type, String name) {
        return typed(point, type).stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /**
     * The extension of {@code point} named {@code name}.
     *
     * @throws FlowsimException {@link io.flowsim.api.ErrorCode#USAGE} naming the installed ones when
     *                          there is none
     */
    public <T extends FlowsimExtension> T require(ExtensionPoint point, Class<T> type, String name) {
        return requireDiscovered(point, type, name).extension();
    }

    /**
     * The extension of {@code point} named {@code name}, with where it was found (to name its plugin in messages).
     *
     * @throws FlowsimException {@link io.flowsim.api.ErrorCode#USAGE} naming the installed ones when
     *                          there is none
     */
    public <T extends FlowsimExtension> Discovered<T> requireDiscovered(ExtensionPoint point, Class<T> type,
                                                                        String name) {
        return find(point, type, name).orElseThrow(() -> FlowsimException.usage("no " + point.label() + " named '"
                + name + "' is installed (available: " + names(point) + ")"));
    }

    /** The names of {@code point}'s extensions, comma-separated, or {@code none}. */
    public String names(ExtensionPoint point) {
        String names = all(point).stream().map(Discovered::name).collect(Collectors.joining(", "));
        return names.isEmpty() ? "none" : names;
    }

    /** Plugins and providers that failed to load (empty unless failures were tolerated). */
    public List<PluginFailure> failures() {
        return failures;
    }

    @SuppressWarnings("unchecked")
    private <T extends FlowsimExtension> List<Discovered<T>> typed(ExtensionPoint point, Class<T> type) {
        if (!point.type().equals(type)) {
            throw new IllegalArgumentException(point + " is not an extension point of type " + type.getName());
        }
        List<Discovered<T>> result = new ArrayList<>();
        for (Discovered<?> d : extensions.get(point)) {
            result.add((Discovered<T>) d);
        }
        return result;
    }

    @Override
    public void close() {
        try {
            onClose.close();
        } catch (Exception e) {
            // unloading class loaders at exit; nothing useful to do with a failure here
        }
    }
}
