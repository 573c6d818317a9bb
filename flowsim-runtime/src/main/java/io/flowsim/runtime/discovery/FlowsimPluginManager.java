package io.flowsim.runtime.discovery;

import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.PluginRepository;
import org.pf4j.RuntimeMode;
import org.pf4j.ServiceProviderExtensionFinder;

import java.nio.file.Path;
import java.util.List;

/**
 * PF4J configured the FlowSim way: deployment mode, extensions found only through
 * {@code META-INF/services} files (so one file serves ServiceLoader and PF4J, and nothing is found
 * twice), and plugins loaded one path at a time by {@link PluginDiscovery} rather than by scanning.
 */
final class FlowsimPluginManager extends DefaultPluginManager {

    FlowsimPluginManager(List<Path> roots) {
        super(roots);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected ExtensionFinder createExtensionFinder() {
        return new ServiceProviderExtensionFinder(this);
    }

    @Override
    protected PluginRepository createPluginRepository() {
        // PluginDiscovery chooses the plugin paths itself; PF4J's own scanning is never used.
        return new PluginRepository() {
            @Override
            public List<Path> getPluginPaths() {
                return List.of();
            }

            @Override
            public boolean deletePluginPath(Path pluginPath) {
                return false;
            }
        };
    }
}
