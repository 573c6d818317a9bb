package io.flowsim.runtime.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The out-of-memory line is said once per run although the main thread and a worker (the gzip
 * inflater) often run out together: a second report, from the other thread, prints nothing.
 */
class OutOfMemoryLineTest {

    @Test
    void outOfMemoryIsReportedOnceWhicheverThreadsRunOut() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicBoolean reported = new AtomicBoolean();

        Main.reportOutOfMemory(err, new OutOfMemoryError("Java heap space"), reported);
        Main.reportOutOfMemory(err, new OutOfMemoryError("GC overhead limit exceeded"), reported);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .startsWith("flowsim: out of memory (Java heap space)").contains("MiB").contains("FLOWSIM_OPTS=-Xmx");
        assertThat(reported).isTrue();
    }
}
