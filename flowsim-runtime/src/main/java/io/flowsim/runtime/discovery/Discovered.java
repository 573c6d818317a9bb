package io.flowsim.runtime.discovery;

import io.flowsim.api.FlowsimExtension;

import java.util.Objects;

/**
 * One discovered extension with its extension point and origin.
 *
 * @param extension the extension instance
 * @param point     its extension point
 * @param origin    where it came from
 * @param <T>       the extension point's interface
 */
public record Discovered<T extends FlowsimExtension>(T extension, ExtensionPoint point, Origin origin) {
    public Discovered {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(origin, "origin");
    }

    /** The extension's name. */
    public String name() {
        return extension.name();
    }
}
