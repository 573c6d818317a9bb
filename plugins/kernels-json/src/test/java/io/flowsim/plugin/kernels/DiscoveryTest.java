package io.flowsim.plugin.kernels;

import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimExtension;
import io.flowsim.api.KernelResolver;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** ServiceLoader finds the plugin's extensions by name, through META-INF/services. */
class DiscoveryTest {

    @Test
    void theResolverIsFoundByName() {
        assertThat(ServiceLoader.load(KernelResolver.class).stream().map(ServiceLoader.Provider::get)
                .map(FlowsimExtension::name)).contains("kernels-json");
    }

    @Test
    void theUnknownKernelsExporterIsFoundByName() {
        assertThat(ServiceLoader.load(Exporter.class).stream().map(ServiceLoader.Provider::get)
                .map(FlowsimExtension::name)).contains("unknown-kernels");
    }
}
