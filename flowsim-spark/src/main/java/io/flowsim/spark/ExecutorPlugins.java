package io.flowsim.spark;

import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.PluginDiscovery;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The extensions of one executor JVM, discovered once per {@link JobSettings} exactly as the command
 * line discovers them (class path, then each plugin directory through PF4J) and shared by the tasks
 * that run there, so a task does not pay for plugin loading. The registries live as long as the
 * executor; the cache is the one piece of static state, and it only ever holds discovery results.
 */
final class ExecutorPlugins {

    private static final ConcurrentMap<JobSettings, ExtensionRegistry> REGISTRIES = new ConcurrentHashMap<>();

    private ExecutorPlugins() {
    }

    /** The registry for these settings, discovering it on first use in this JVM. */
    static ExtensionRegistry registry(JobSettings settings) {
        return REGISTRIES.computeIfAbsent(settings, s -> PluginDiscovery.discover(new PluginDiscovery.Settings(
                s.pluginPaths(), ExecutorPlugins.class.getClassLoader(), s.ignoreBrokenPlugins())));
    }
}
