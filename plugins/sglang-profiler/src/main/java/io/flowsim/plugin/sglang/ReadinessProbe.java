package io.flowsim.plugin.sglang;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks an sglang server over HTTP whether it is ready: {@code GET /health} answering 200, or, on
 * servers without that endpoint (404), {@code GET /get_model_info} answering 200. sglang answers
 * {@code /health} with 503 while it is still starting. Uses the JDK's HTTP client (HTTP/1.1, no
 * proxy: the server is local). One instance per run; thread-safe.
 */
final class ReadinessProbe {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** sglang's /health generates one token and may take a while on a busy GPU. */
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private final ServerAddress address;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .proxy(HttpClient.Builder.NO_PROXY)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    ReadinessProbe(ServerAddress address) {
        this.address = address;
    }

    /** The outcome of one probe, with a short description for progress and error messages. */
    record Answer(boolean ready, String description) {
    }

    /**
     * Probes once, each request waiting at most {@code budget} (between 1 and 30 seconds); never
     * throws except on interruption.
     */
    Answer probe(Duration budget) throws InterruptedException {
        Duration timeout = budget.compareTo(MIN_REQUEST_TIMEOUT) < 0 ? MIN_REQUEST_TIMEOUT
                : budget.compareTo(MAX_REQUEST_TIMEOUT) > 0 ? MAX_REQUEST_TIMEOUT : budget;
        int health = status("/health", timeout);
        if (health == 200) {
            return new Answer(true, "/health answered 200");
        }
        if (health == 404) {
            int info = status("/get_model_info", timeout);
            if (info == 200) {
                return new Answer(true, "/get_model_info answered 200");
            }
            return new Answer(false, "/health answered 404, /get_model_info " + describe(info));
        }
        return new Answer(false, "/health " + describe(health));
    }

    private static String describe(int status) {
        return status < 0 ? "did not answer" : "answered " + status;
    }

    /** The HTTP status of {@code GET path}, or -1 when the server did not answer. */
    private int status(String path, Duration timeout) throws InterruptedException {
        URI uri = address.uri(path);
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(timeout).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
