package io.flowsim.runtime.discovery;

import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.RuntimeMode;
import org.pf4j.ServiceProviderExtensionFinder;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * PF4J configured the FlowSim way: deployment mode, extensions found only through
 * {@code META-INF/services} files (so one file serves ServiceLoader and PF4J, and nothing is found
 * twice), and plugins loaded one path at a time by {@link PluginDiscovery} rather than by scanning.
 * When bundled plugins share the application class path ({@link PluginDiscovery.SharedPlugins}),
 * every PF4J plugin class loader gets a parent that hides their jars, so a third-party plugin sees
 * exactly what it saw before: the JDK, the FlowSim API and runtime, and its own libraries.
 * PF4J's system version is {@link FlowsimVersion}, so a plugin whose {@code Plugin-Requires} this
 * FlowSim does not satisfy is loaded disabled, and {@link PluginDiscovery} reports it.
 */
final class FlowsimPluginManager extends DefaultPluginManager {

    private final Optional<PluginDiscovery.SharedPlugins> shared;
    /** The build's version as {@link FlowsimVersion} read it once. */
    private final Optional<String> running;
    private final ClassLoader application;
    private ClassLoader pluginParent;

    FlowsimPluginManager(List<Path> roots) {
        this(roots, Optional.empty(), FlowsimPluginManager.class.getClassLoader());
    }

    /**
     * @param shared      bundled plugins on the class path, hidden from PF4J plugins
     * @param application the class loader the class path's extensions come from
     */
    FlowsimPluginManager(List<Path> roots, Optional<PluginDiscovery.SharedPlugins> shared, ClassLoader application) {
        super(roots);
        this.shared = shared;
        this.application = application;
        // PF4J checks each plugin's Plugin-Requires against this; left at its 0.0.0, it checks nothing
        running = FlowsimVersion.current();
        running.map(FlowsimPluginManager::release).ifPresent(this::setSystemVersion);
    }

    /** The version plugins are checked against, as a user reads it: {@code 0.1.0-SNAPSHOT (checked as 0.1.0)}. */
    String checkedVersion() {
        String checked = getSystemVersion();
        return running.filter(v -> !v.equals(checked)).map(v -> v + " (checked as " + checked + ")").orElse(checked);
    }

    /**
     * The release a build belongs to, for {@code Plugin-Requires}: {@code 0.1.0} for {@code 0.1.0-SNAPSHOT}.
     * Semantic versioning orders a pre-release before its release, so checked as itself a development build
     * would refuse every plugin that asks for the release it is building ({@code >=0.1.0}).
     */
    static String release(String version) {
        int dash = version.indexOf('-');
        return dash > 0 ? version.substring(0, dash) : version;
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return new PluginClassLoader(FlowsimPluginManager.this, descriptor, pluginParent());
                    }
                }, this::isNotDevelopment)
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return new PluginClassLoader(FlowsimPluginManager.this, descriptor, pluginParent());
                    }
                }, this::isNotDevelopment);
    }

    private synchronized ClassLoader pluginParent() {
        if (pluginParent == null) {
            pluginParent = shared.<ClassLoader>map(s -> new HidingParent(application, s))
                    .orElse(FlowsimPluginManager.class.getClassLoader());
        }
        return pluginParent;
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

    /** The application class loader, without the classes and resources of the shared bundled plugins. */
    static final class HidingParent extends ClassLoader {
        private final ClassLoader app;
        private final PluginDiscovery.SharedPlugins shared;

        HidingParent(ClassLoader app, PluginDiscovery.SharedPlugins shared) {
            super(null);
            this.app = app;
            this.shared = shared;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            Class<?> c = app.loadClass(name);
            if (shared.pluginOf(PluginDiscovery.codeLocation(c)).isPresent()) {
                throw new ClassNotFoundException(name);
            }
            return c;
        }

        @Override
        public URL getResource(String name) {
            try {
                Enumeration<URL> all = getResources(name);
                return all.hasMoreElements() ? all.nextElement() : null;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> visible = new ArrayList<>();
            for (URL url : Collections.list(app.getResources(name))) {
                if (!hidden(url)) {
                    visible.add(url);
                }
            }
            return Collections.enumeration(visible);
        }

        private boolean hidden(URL url) {
            String s = url.toString();
            if (s.startsWith("jar:")) {
                int bang = s.indexOf("!/");
                s = bang < 0 ? s.substring(4) : s.substring(4, bang);
            }
            if (!s.startsWith("file:")) {
                return false;
            }
            try {
                return shared.pluginOf(Optional.of(Path.of(new java.net.URI(s)))).isPresent();
            } catch (URISyntaxException | RuntimeException e) {
                return false;
            }
        }
    }
}
