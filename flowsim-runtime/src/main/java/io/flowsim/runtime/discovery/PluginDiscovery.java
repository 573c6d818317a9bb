package io.flowsim.runtime.discovery;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.FlowsimExtension;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds every extension: {@link ServiceLoader} on the class path, then PF4J for each plugin
 * directory. Plugin directories hold jar plugins ({@code *.jar} with {@code Plugin-Id} in the
 * manifest), zip plugins ({@code *.zip}, expanded by PF4J next to the zip) and directory plugins
 * (a directory with {@code plugin.properties} and {@code lib/}).
 *
 * <p>Broken plugins are collected as {@link PluginFailure}s. By default discovery then fails with a
 * one-line {@link ErrorCode#PLUGIN} error naming the plugin and the cause; with
 * {@link Settings#tolerateBrokenPlugins()} the run continues without them. Two extensions of one
 * extension point with the same name always fail discovery, naming both origins.
 */
public final class PluginDiscovery {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private PluginDiscovery() {
    }

    /**
     * What to discover.
     *
     * @param pluginDirectories      plugin directories, in order
     * @param classLoader            the class loader to search with ServiceLoader
     * @param tolerateBrokenPlugins  continue without plugins that fail to load
     * @param sharedPlugins          bundled plugins whose jars the launcher put on the class path
     *                               (one copy of each shared library for all of them)
     */
    public record Settings(List<Path> pluginDirectories, ClassLoader classLoader, boolean tolerateBrokenPlugins,
                           Optional<SharedPlugins> sharedPlugins) {
        public Settings {
            pluginDirectories = List.copyOf(Objects.requireNonNull(pluginDirectories, "pluginDirectories"));
            Objects.requireNonNull(classLoader, "classLoader");
            Objects.requireNonNull(sharedPlugins, "sharedPlugins");
        }

        /** Every plugin of every directory through PF4J. */
        public Settings(List<Path> pluginDirectories, ClassLoader classLoader, boolean tolerateBrokenPlugins) {
            this(pluginDirectories, classLoader, tolerateBrokenPlugins, Optional.empty());
        }
    }

    /**
     * Bundled plugins already on the class path: {@code directory/<id>/lib/*.jar} for each id. Their
     * extensions are found by ServiceLoader and reported with their plugin's origin (id, directory,
     * version from its {@code plugin.properties}); PF4J skips those directories. Third-party plugins
     * keep their own PF4J class loaders, which do not see these jars ({@link FlowsimPluginManager}).
     *
     * @param directory the bundled plugins directory
     * @param ids       the plugins of that directory on the class path
     * @param enabled   false to leave their extensions out ({@code --no-bundled-plugins})
     */
    public record SharedPlugins(Path directory, Set<String> ids, boolean enabled) {
        public SharedPlugins {
            directory = directory.toAbsolutePath().normalize();
            ids = Set.copyOf(ids);
        }

        /** Whether a class from this code location belongs to one of these plugins: its plugin directory. */
        Optional<Path> pluginOf(Optional<Path> codeLocation) {
            if (codeLocation.isEmpty()) {
                return Optional.empty();
            }
            Path loc = codeLocation.get().toAbsolutePath().normalize();
            if (!loc.startsWith(directory) || loc.getNameCount() <= directory.getNameCount()) {
                return Optional.empty();
            }
            String id = loc.getName(directory.getNameCount()).toString();
            return ids.contains(id) ? Optional.of(directory.resolve(id)) : Optional.empty();
        }
    }

    /** Discovers every extension. */
    public static ExtensionRegistry discover(Settings settings) {
        Map<ExtensionPoint, List<Discovered<?>>> found = new EnumMap<>(ExtensionPoint.class);
        List<PluginFailure> failures = new ArrayList<>();
        discoverClasspath(settings.classLoader(), settings.sharedPlugins(), found, failures);

        FlowsimPluginManager manager = null;
        List<Path> candidates = new ArrayList<>();
        for (Path dir : settings.pluginDirectories()) {
            candidates.addAll(pluginCandidates(dir, failures));
        }
        settings.sharedPlugins().ifPresent(shared -> candidates.removeIf(c -> shared.pluginOf(Optional.of(c)).isPresent()));
        if (!candidates.isEmpty()) {
            manager = new FlowsimPluginManager(settings.pluginDirectories(), settings.sharedPlugins(),
                    settings.classLoader());
            discoverPlugins(manager, candidates, found, failures);
        }
        FlowsimPluginManager toClose = manager;
        ExtensionRegistry registry = new ExtensionRegistry(found, failures, () -> {
            if (toClose != null) {
                toClose.stopPlugins();
                toClose.unloadPlugins();
            }
        });
        try {
            checkDuplicates(registry);
            if (!failures.isEmpty() && !settings.tolerateBrokenPlugins()) {
                PluginFailure first = failures.get(0);
                String more = failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : "";
                throw new FlowsimException(ErrorCode.PLUGIN, "cannot load " + first.describe() + more
                        + "; remove or fix it, or pass --ignore-broken-plugins to run without it");
            }
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private static void discoverClasspath(ClassLoader loader, Optional<SharedPlugins> shared,
                                          Map<ExtensionPoint, List<Discovered<?>>> found,
                                          List<PluginFailure> failures) {
        Map<Path, Origin> pluginOrigins = new LinkedHashMap<>();
        for (ExtensionPoint point : ExtensionPoint.values()) {
            Iterator<? extends ServiceLoader.Provider<? extends FlowsimExtension>> it =
                    ServiceLoader.load(point.type(), loader).stream().iterator();
            while (true) {
                Origin origin = null;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    ServiceLoader.Provider<? extends FlowsimExtension> provider = it.next();
                    Class<?> type = provider.type();
                    Optional<Path> location = codeLocation(type);
                    Optional<Path> plugin = shared.flatMap(sp -> sp.pluginOf(location));
                    if (plugin.isPresent()) {
                        if (!shared.get().enabled()) {
                            continue; // --no-bundled-plugins: not even created
                        }
                        origin = pluginOrigins.computeIfAbsent(plugin.get(), PluginDiscovery::bundledOrigin);
                    } else {
                        origin = new Origin(Optional.empty(), location, versionOf(type));
                    }
                    addChecked(provider.get(), point, origin, found, failures);
                } catch (ServiceConfigurationError e) {
                    String where = origin != null ? origin.describe() : "class-path " + point.label();
                    failures.add(new PluginFailure(where, oneLine(e)));
                }
            }
        }
    }

    /** The origin of a bundled plugin on the class path, as PF4J would report it. */
    private static Origin bundledOrigin(Path pluginDir) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(pluginDir.resolve("plugin.properties"), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            // the directory name is the id the launcher used; the version stays unknown
        }
        String id = p.getProperty("plugin.id", pluginDir.getFileName().toString()).trim();
        String version = p.getProperty("plugin.version", "-").trim();
        return new Origin(Optional.of(id), Optional.of(pluginDir), version.isEmpty() ? "-" : version);
    }

    private static List<Path> pluginCandidates(Path dir, List<PluginFailure> failures) {
        if (!Files.isDirectory(dir)) {
            throw FlowsimException.usage("plugins directory not found: " + dir);
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot list plugins directory " + dir + ": " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        Set<String> zipNames = new HashSet<>();
        for (Path p : entries) {
            String n = p.getFileName().toString();
            if (n.endsWith(".zip") && Files.isRegularFile(p)) {
                zipNames.add(n.substring(0, n.length() - 4));
            }
        }
        List<Path> candidates = new ArrayList<>();
        for (Path p : entries) {
            String n = p.getFileName().toString();
            if (n.startsWith(".")) {
                continue;
            }
            if (Files.isDirectory(p)) {
                // a directory PF4J expanded from a zip next to it is loaded through the zip
                if (!zipNames.contains(n) && isDirectoryPlugin(p)) {
                    candidates.add(p);
                }
            } else if (n.endsWith(".zip")) {
                candidates.add(p);
            } else if (n.endsWith(".jar")) {
                if (isJarPlugin(p, failures)) {
                    candidates.add(p);
                }
            }
        }
        return candidates;
    }

    private static boolean isDirectoryPlugin(Path dir) {
        return Files.isRegularFile(dir.resolve("plugin.properties"))
                || Files.isRegularFile(dir.resolve("classes/META-INF/MANIFEST.MF"));
    }

    /** A jar is a plugin when its manifest names a Plugin-Id; an unreadable jar is a broken plugin. */
    private static boolean isJarPlugin(Path jar, List<PluginFailure> failures) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Plugin-Id") != null;
        } catch (IOException e) {
            failures.add(new PluginFailure("plugin file " + jar, "not a readable jar (" + oneLine(e) + ")"));
            return false;
        }
    }

    private static void discoverPlugins(FlowsimPluginManager manager, List<Path> candidates,
                                        Map<ExtensionPoint, List<Discovered<?>>> found, List<PluginFailure> failures) {
        Map<String, Path> loaded = new LinkedHashMap<>();
        for (Path candidate : candidates) {
            boolean zip = candidate.getFileName().toString().endsWith(".zip");
            if (zip && !isSafeZip(candidate, failures)) {
                continue;
            }
            // the folder PF4J expands a zip into; removed again if this load fails before it is complete
            Path expanded = zip ? expandedFolder(candidate) : null;
            boolean existedBefore = expanded != null && Files.exists(expanded);
            try {
                String id = manager.loadPlugin(candidate);
                if (id == null) {
                    failures.add(new PluginFailure("plugin file " + candidate, "PF4J could not load it"));
                    removeHalfExpanded(expanded, existedBefore);
                } else if (refusedForItsRequires(manager.getPlugin(id))) {
                    failures.add(new PluginFailure("plugin " + id + " (" + candidate + ")", "it requires FlowSim "
                            + manager.getPlugin(id).getDescriptor().getRequires().trim() + " (Plugin-Requires), and this is"
                            + " FlowSim " + manager.checkedVersion() + "; use a FlowSim version it accepts, or a build"
                            + " of the plugin for this one"));
                    manager.unloadPlugin(id);
                } else {
                    loaded.put(id, candidate);
                }
            } catch (RuntimeException | LinkageError e) {
                failures.add(new PluginFailure("plugin file " + candidate, oneLine(e)));
                removeHalfExpanded(expanded, existedBefore);
            }
        }
        for (Map.Entry<String, Path> entry : loaded.entrySet()) {
            String id = entry.getKey();
            PluginWrapper plugin = manager.getPlugin(id);
            try {
                manager.startPlugin(id);
            } catch (RuntimeException | LinkageError e) {
                failures.add(new PluginFailure("plugin " + id + " (" + entry.getValue() + ")", oneLine(e)));
                continue;
            }
            String version = Optional.ofNullable(plugin.getDescriptor().getVersion()).orElse("-");
            Origin origin = new Origin(Optional.of(id), Optional.of(entry.getValue()), version);
            for (ExtensionPoint point : ExtensionPoint.values()) {
                List<String> declared = declaredProviders(plugin, point, failures);
                List<? extends FlowsimExtension> extensions;
                try {
                    extensions = manager.getExtensions(point.type(), id);
                } catch (RuntimeException | LinkageError e) {
                    failures.add(new PluginFailure("plugin " + id + " (" + entry.getValue() + ")", oneLine(e)));
                    continue;
                }
                Set<String> instantiated = new HashSet<>();
                for (FlowsimExtension extension : extensions) {
                    instantiated.add(extension.getClass().getName());
                    addChecked(extension, point, origin, found, failures);
                }
                for (String className : declared) {
                    if (!instantiated.contains(className)) {
                        failures.add(new PluginFailure("plugin " + id + " (" + entry.getValue() + ")",
                                point.label() + " " + className + " cannot be created: "
                                        + explainProviderFailure(plugin.getPluginClassLoader(), className, point)));
                    }
                }
            }
        }
    }

    /**
     * PF4J loads a plugin whose {@code Plugin-Requires} the system version does not satisfy, but disabled, with
     * a failure set (a plugin disabled by a {@code disabled.txt} has none).
     */
    private static boolean refusedForItsRequires(PluginWrapper plugin) {
        return plugin.getPluginState() == PluginState.DISABLED && plugin.getFailedException() != null;
    }

    /**
     * A zip plugin is expanded only when it is readable and every entry stays inside its folder: an
     * entry like {@code ../x} (a "zip-slip") is refused before PF4J expands anything, so nothing is
     * written outside, and a folder a previous run half expanded from it is not loaded either (the
     * folder beside a zip is only ever loaded through the zip).
     */
    private static boolean isSafeZip(Path zip, List<PluginFailure> failures) {
        Path folder = expandedFolder(zip).toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                Path target;
                try {
                    target = folder.resolve(name).normalize();
                } catch (InvalidPathException e) {
                    failures.add(new PluginFailure("plugin file " + zip, "its entry '" + name
                            + "' is not a valid file name; the zip was not expanded or loaded"));
                    return false;
                }
                if (!target.startsWith(folder) || name.startsWith("/") || name.contains("\\")) {
                    failures.add(new PluginFailure("plugin file " + zip, "its entry '" + name + "' points outside the"
                            + " plugin's folder (a zip-slip); the zip was not expanded or loaded"
                            + (Files.exists(folder) ? ", nor the folder " + folder + " beside it" : "")));
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            failures.add(new PluginFailure("plugin file " + zip, "not a readable zip (" + oneLine(e) + ")"));
            return false;
        }
    }

    /** The folder PF4J expands {@code x.zip} into: {@code x} beside it. */
    private static Path expandedFolder(Path zip) {
        String name = zip.getFileName().toString();
        return zip.resolveSibling(name.substring(0, name.length() - ".zip".length()));
    }

    /** Deletes a folder this run's failed expansion created, so that no later run loads it half-complete. */
    private static void removeHalfExpanded(Path folder, boolean existedBefore) {
        if (folder == null || existedBefore || !Files.isDirectory(folder)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the zip is reported broken either way
        }
    }

    /** The provider classes a plugin lists in its own service file for one extension point. */
    private static List<String> declaredProviders(PluginWrapper plugin, ExtensionPoint point,
                                                  List<PluginFailure> failures) {
        List<String> classes = new ArrayList<>();
        ClassLoader loader = plugin.getPluginClassLoader();
        if (!(loader instanceof PluginClassLoader pluginLoader)) {
            return classes;
        }
        try {
            Enumeration<URL> urls = pluginLoader.findResources(point.serviceResource());
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        int hash = line.indexOf('#');
                        String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                        if (!name.isEmpty()) {
                            classes.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            failures.add(new PluginFailure("plugin " + plugin.getPluginId(),
                    "cannot read " + point.serviceResource() + ": " + oneLine(e)));
        }
        return classes;
    }

    private static String explainProviderFailure(ClassLoader loader, String className, ExtensionPoint point) {
        try {
            Class<?> c = Class.forName(className, true, loader);
            if (!point.type().isAssignableFrom(c)) {
                return implementsInterfaceNamed(c, point.type().getName())
                        ? "it implements a second copy of " + point.type().getName()
                        + " (the plugin bundles flowsim-api; depend on it with scope provided)"
                        : "it does not implement " + point.type().getName();
            }
            c.getDeclaredConstructor().newInstance();
            return "unknown cause";
        } catch (ClassNotFoundException e) {
            return "class not found";
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return oneLine(cause);
        } catch (RuntimeException | LinkageError e) {
            return oneLine(e);
        }
    }

    private static boolean implementsInterfaceNamed(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (i.getName().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void addChecked(FlowsimExtension extension, ExtensionPoint point, Origin origin,
                                   Map<ExtensionPoint, List<Discovered<?>>> found, List<PluginFailure> failures) {
        String name;
        String description;
        try {
            name = extension.name();
            description = extension.description();
        } catch (RuntimeException | LinkageError e) {
            failures.add(new PluginFailure(origin.describe(), extension.getClass().getName()
                    + " fails to report its name: " + oneLine(e)));
            return;
        }
        if (name == null || !NAME.matcher(name).matches()) {
            failures.add(new PluginFailure(origin.describe(), extension.getClass().getName()
                    + " has the invalid name '" + name + "' (names are kebab-case: lower-case letters, digits, '-')"));
            return;
        }
        if (description == null) {
            failures.add(new PluginFailure(origin.describe(), point.label() + " '" + name + "' has no description"));
            return;
        }
        found.computeIfAbsent(point, p -> new ArrayList<>()).add(new Discovered<>(extension, point, origin));
    }

    private static void checkDuplicates(ExtensionRegistry registry) {
        for (ExtensionPoint point : ExtensionPoint.values()) {
            Map<String, Discovered<?>> byName = new LinkedHashMap<>();
            for (Discovered<?> d : registry.all(point)) {
                Discovered<?> previous = byName.putIfAbsent(d.name(), d);
                if (previous != null) {
                    throw new FlowsimException(ErrorCode.PLUGIN, "two " + point.label() + "s are named '" + d.name()
                            + "': " + previous.origin().describe() + " and " + d.origin().describe()
                            + "; remove one of them");
                }
            }
        }
    }

    static Optional<Path> codeLocation(Class<?> c) {
        try {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? Optional.empty()
                    : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String versionOf(Class<?> c) {
        Package p = c.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "-" : v;
    }

    /** A throwable as one line: its class and message, and the root cause's when different. */
    static String oneLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = describe(t);
        if (root != t) {
            msg += " (cause: " + describe(root) + ")";
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
