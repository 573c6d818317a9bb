package io.flowsim.plugin.llmcompass;

import io.flowsim.api.SimulatorBackend;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class LlmCompassDiscoveryTest {

    @Test
    void serviceLoaderFindsTheBackendByName() {
        assertThat(ServiceLoader.load(SimulatorBackend.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(b -> b.name().equals("llmcompass"))
                .singleElement()
                .isInstanceOf(LlmCompassBackend.class)
                .satisfies(b -> assertThat(b.description()).isNotBlank());
    }
}
