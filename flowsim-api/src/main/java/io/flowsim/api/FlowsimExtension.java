package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.util.List;

/**
 * What every extension point has in common: a stable name and a one-line description.
 *
 * <p>Extensions are discovered through {@code META-INF/services/<extension point>} files, on the
 * class path with {@link java.util.ServiceLoader} and in plugin directories with PF4J. An extension
 * class therefore needs a public no-argument constructor. Instances are created once per process and
 * may be shared between threads; keep per-run state in the session objects the extension points
 * return, not in fields.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface FlowsimExtension {

    /**
     * A stable, kebab-case name ({@code pytorch-trace}, {@code llmcompass}), unique across all
     * extensions of the same extension point. Users select extensions by this name; discovery fails
     * with both origins named when two extensions of one extension point share a name.
     */
    String name();

    /** A one-line, human-readable description shown by {@code flowsim plugins}. */
    String description();

    /**
     * The settings this extension reads, each with its key ({@code <name()>.<option>}), type, default
     * and description. The runtime builds the command-line options {@code --<key>} from them on every
     * command that uses this extension point, shows them in {@code --help} and {@code flowsim plugins},
     * checks their types, and hands the values back through {@link Options#get(ExtensionOption)}.
     * Keys must start with this extension's name and a dot; discovery rejects an extension whose
     * declarations break that rule or clash with another extension's. Called once per process.
     */
    default List<ExtensionOption<?>> declaredOptions() {
        return List.of();
    }
}
