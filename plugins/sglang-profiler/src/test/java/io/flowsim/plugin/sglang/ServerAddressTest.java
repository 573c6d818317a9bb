package io.flowsim.plugin.sglang;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerAddressTest {

    @Test
    void defaultsAreSglangs() {
        ServerAddress a = ServerAddress.fromArguments(List.of("--model-path", "/m"));
        assertThat(a).isEqualTo(new ServerAddress("127.0.0.1", 30000));
        assertThat(a.uri("/health")).hasToString("http://127.0.0.1:30000/health");
    }

    @Test
    void readsBothSpellingsAndTheLastOneWins() {
        ServerAddress a = ServerAddress.fromArguments(List.of("--host", "10.0.0.5", "--port", "1", "--port=30001"));
        assertThat(a).isEqualTo(new ServerAddress("10.0.0.5", 30001));
        assertThat(ServerAddress.fromArguments(List.of("--host=myhost")).uri("/x")).hasToString("http://myhost:30000/x");
    }

    @Test
    void wildcardAddressesAreReachedThroughLoopback() {
        assertThat(ServerAddress.fromArguments(List.of("--host", "0.0.0.0")).uri("/health"))
                .hasToString("http://127.0.0.1:30000/health");
        assertThat(ServerAddress.fromArguments(List.of("--host", "::", "--port", "8")).uri("/health"))
                .hasToString("http://[::1]:8/health");
        assertThat(ServerAddress.fromArguments(List.of("--host", "fe80::1")).uri("/h"))
                .hasToString("http://[fe80::1]:30000/h");
        assertThat(ServerAddress.fromArguments(List.of("--host", "[::1]")).uri("/h"))
                .hasToString("http://[::1]:30000/h");
    }

    @Test
    void badValuesAreUsageErrors() {
        for (List<String> args : List.of(List.of("--port", "http"), List.of("--port", "0"), List.of("--port=70000"),
                List.of("--port"), List.of("--host", ""))) {
            assertThatThrownBy(() -> ServerAddress.fromArguments(args)).as(args.toString())
                    .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        }
    }

    @Test
    void aliasesShareOneValue() {
        assertThat(ServerAddress.lastValue(List.of("--tp", "2", "--tp-size", "4"), "--tp-size", "--tp")).contains("4");
        assertThat(ServerAddress.lastValue(List.of("--tp-size=4", "--tp", "8"), "--tp-size", "--tp")).contains("8");
        assertThat(ServerAddress.lastValue(List.of("--tpx", "8"), "--tp")).isEmpty();
    }
}
