package io.flowsim.plugin.report;

import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimExtension;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** ServiceLoader finds both exporters of the plugin by name. */
class DiscoveryTest {

    @Test
    void theExportersAreFoundByName() {
        assertThat(ServiceLoader.load(Exporter.class).stream().map(ServiceLoader.Provider::get)
                .map(FlowsimExtension::name)).contains("html-report", "timeline");
    }
}
