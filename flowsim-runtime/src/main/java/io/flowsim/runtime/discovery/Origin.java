package io.flowsim.runtime.discovery;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an extension came from: the class path, or a PF4J plugin.
 *
 * @param pluginId the plugin id, empty for the class path
 * @param location the jar, directory or plugin path, when known
 * @param version  the plugin or jar version, or {@code "-"}
 */
public record Origin(Optional<String> pluginId, Optional<Path> location, String version) {
    public Origin {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(version, "version");
    }

    /** Whether the extension came from the class path. */
    public boolean isClasspath() {
        return pluginId.isEmpty();
    }

    /** {@code classpath (path)} or {@code plugin id (path)}, for tables and messages. */
    public String describe() {
        String where = location.map(p -> " (" + p + ")").orElse("");
        return pluginId.map(id -> "plugin " + id + where).orElse("classpath" + where);
    }
}
