package io.flowsim.plugin.pytorch;

import io.flowsim.api.TraceSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryTest {

    @Test
    void serviceLoaderFindsTheSourceByName() {
        assertThat(ServiceLoader.load(TraceSource.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("pytorch-trace")).findFirst())
                .isPresent().get().isInstanceOf(PyTorchTraceSource.class);
    }

    @Test
    void claimsTraceFilesByName() {
        PyTorchTraceSource source = new PyTorchTraceSource();
        assertThat(source.canOpen(Path.of("1754448446.4487388-TP-0.trace.json.gz"))).isTrue();
        assertThat(source.canOpen(Path.of("rank0.pt.trace.json"))).isTrue();
        assertThat(source.canOpen(Path.of("kernels.csv"))).isFalse();
        assertThat(source.canMerge()).isTrue();
    }
}
