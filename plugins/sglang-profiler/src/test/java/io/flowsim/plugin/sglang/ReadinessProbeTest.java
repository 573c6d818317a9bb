package io.flowsim.plugin.sglang;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReadinessProbe} against a real HTTP server on loopback (the JDK's), answering as told. */
class ReadinessProbeTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private ServerAddress serve(Map<String, Integer> statusByPath) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int status = statusByPath.getOrDefault(exchange.getRequestURI().getPath(), 404);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return new ServerAddress("0.0.0.0", server.getAddress().getPort());
    }

    @Test
    void healthAnswering200IsReady() throws Exception {
        ReadinessProbe.Answer a = new ReadinessProbe(serve(Map.of("/health", 200))).probe(Duration.ofSeconds(5));
        assertThat(a.ready()).isTrue();
        assertThat(a.description()).isEqualTo("/health answered 200");
    }

    @Test
    void startingServerIsNotReady() throws Exception {
        ReadinessProbe.Answer a = new ReadinessProbe(serve(Map.of("/health", 503, "/get_model_info", 200)))
                .probe(Duration.ofSeconds(5));
        assertThat(a.ready()).isFalse();
        assertThat(a.description()).isEqualTo("/health answered 503");
    }

    @Test
    void withoutHealthEndpointModelInfoDecides() throws Exception {
        ReadinessProbe.Answer ready = new ReadinessProbe(serve(Map.of("/get_model_info", 200))).probe(Duration.ZERO);
        assertThat(ready.ready()).isTrue();
        assertThat(ready.description()).isEqualTo("/get_model_info answered 200");
        server.stop(0);
        ReadinessProbe.Answer notReady = new ReadinessProbe(serve(Map.of())).probe(Duration.ofSeconds(5));
        assertThat(notReady.ready()).isFalse();
        assertThat(notReady.description()).isEqualTo("/health answered 404, /get_model_info answered 404");
    }

    @Test
    void nothingListeningDidNotAnswer() throws Exception {
        ReadinessProbe.Answer a = new ReadinessProbe(new ServerAddress("127.0.0.1", Standin.freePort()))
                .probe(Duration.ofSeconds(5));
        assertThat(a.ready()).isFalse();
        assertThat(a.description()).isEqualTo("/health did not answer");
    }
}
