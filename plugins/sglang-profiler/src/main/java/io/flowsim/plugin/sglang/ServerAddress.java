package io.flowsim.plugin.sglang;

import io.flowsim.api.FlowsimException;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where the sglang server listens, read from its arguments the way sglang's argparse reads them
 * ({@code --host H}, {@code --host=H}, {@code --port P}, {@code --port=P}; the last one wins), with
 * sglang's defaults {@code 127.0.0.1} and {@code 30000}.
 *
 * @param host the host the server binds to, as given
 * @param port the TCP port
 */
record ServerAddress(String host, int port) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 30000;

    /** Reads the address from the server's arguments. */
    static ServerAddress fromArguments(List<String> arguments) {
        String host = lastValue(arguments, "--host").orElse(DEFAULT_HOST);
        String rawPort = lastValue(arguments, "--port").orElse(null);
        int port = DEFAULT_PORT;
        if (rawPort != null) {
            try {
                port = Integer.parseInt(rawPort.trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw FlowsimException.usage("'--port " + rawPort + "' is not a TCP port (1-65535)");
            }
        }
        if (host.isBlank()) {
            throw FlowsimException.usage("--host is empty");
        }
        return new ServerAddress(host, port);
    }

    /**
     * The value of the last {@code NAME VALUE} or {@code NAME=VALUE} in {@code arguments}, where
     * NAME is any of {@code names} (aliases of one option, like {@code --tp-size} and {@code --tp}).
     *
     * @throws FlowsimException a usage error when a name is the last argument, without value
     */
    static Optional<String> lastValue(List<String> arguments, String... names) {
        String value = null;
        for (int i = 0; i < arguments.size(); i++) {
            String a = arguments.get(i);
            for (String name : names) {
                if (a.equals(name)) {
                    if (i + 1 >= arguments.size()) {
                        throw FlowsimException.usage("'" + name + "' has no value");
                    }
                    value = arguments.get(++i);
                    break;
                } else if (a.startsWith(name + "=")) {
                    value = a.substring(name.length() + 1);
                    break;
                }
            }
        }
        return Optional.ofNullable(value);
    }

    /**
     * The host to connect to: the wildcard addresses a server binds to ({@code 0.0.0.0},
     * {@code ::}) are reached through the loopback address.
     */
    String connectHost() {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return switch (h) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> h;
        };
    }

    /** {@code http://host:port} plus {@code path}, with IPv6 literals bracketed. */
    URI uri(String path) {
        String h = connectHost();
        String authority = h.indexOf(':') >= 0 ? "[" + h + "]" : h;
        return URI.create("http://" + authority + ":" + port + path);
    }

    @Override
    public String toString() {
        return uri("").toString();
    }
}
