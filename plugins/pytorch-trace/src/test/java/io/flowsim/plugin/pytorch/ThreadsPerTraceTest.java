package io.flowsim.plugin.pytorch;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.model.KernelRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link RunContext#threadsPerTrace()}: with one thread a gzip trace is inflated on the reading
 * thread (no {@link PipelinedInflater}), with two or more on a thread of its own; either way the
 * same bytes, the same kernels and the same error for a truncated file. Real shared traces.
 */
class ThreadsPerTraceTest {

    @TempDir
    Path dir;

    private static RunContext threads(int n) {
        return RunContext.of(Options.empty(), Reporter.silent(), null, n);
    }

    private static List<KernelRecord> kernels(Path file, int threads) {
        try (Trace trace = new PyTorchTraceSource().open(file, threads(threads))) {
            return trace.kernels().toList();
        }
    }

    @Test
    void oneThreadInflatesOnTheReadingThreadTwoUseTheInflaterThread() throws IOException {
        Path file = SharedData.require(SharedData.SAMPLED_RANK0);
        byte[] expected;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            expected = in.readAllBytes();
        }
        try (TraceInput inline = TraceInput.open(file, 1); TraceInput pipelined = TraceInput.open(file, 2)) {
            assertThat(inline.json()).isNotInstanceOf(PipelinedInflater.class);
            assertThat(pipelined.json()).isInstanceOf(PipelinedInflater.class);
            assertThat(inline.json().readAllBytes()).isEqualTo(expected);
            assertThat(pipelined.json().readAllBytes()).isEqualTo(expected);
        }
    }

    @Test
    void sameKernelsWithOneThreadAsWithSeveral() {
        Path file = SharedData.require(SharedData.H200);
        List<KernelRecord> inline = kernels(file, 1);
        assertThat(inline).hasSizeGreaterThan(500);
        assertThat(inline).isEqualTo(kernels(file, 4));
    }

    @Test
    void truncatedGzipReadInlineFailsWithTheSameMessageAsPipelined() throws IOException {
        byte[] real = Files.readAllBytes(SharedData.require(SharedData.H200));
        Path cut = Files.write(dir.resolve("cut.trace.json.gz"), Arrays.copyOf(real, real.length * 3 / 5));
        Throwable inline = catchThrowable(() -> kernels(cut, 1));
        Throwable pipelined = catchThrowable(() -> kernels(cut, 2));
        assertThat(inline).isInstanceOf(FlowsimException.class);
        assertThat(((FlowsimException) inline).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(inline.getMessage()).startsWith(cut.toString()).contains("gzip data is truncated or corrupt")
                .doesNotContain("\n");
        // the same reason and compressed offset; how far the JSON got depends on how much inflated data
        // was handed over before the error (a whole chunk ahead, or what the stream had), so not the JSON position
        String where = " at JSON byte ";
        assertThat(pipelined.getMessage()).contains(where);
        assertThat(inline.getMessage()).contains(where).startsWith(
                pipelined.getMessage().substring(0, pipelined.getMessage().indexOf(where)));
    }
}
