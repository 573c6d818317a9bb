package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.KernelRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's synthetic trace ({@link PyTorchTraceBenchmark.Synthesizer}) repeats a real trace:
 * every copy must parse like the original, call stacks included. (A shift by the kernels' span alone
 * nested each copy's Python frames inside the previous copy's, so the stacks grew with every copy.)
 */
class SynthesizerTest {

    @TempDir
    Path temp;

    @Test
    void everyCopyHasTheOriginalsKernelsAndCallStacks() throws Exception {
        String repo = System.getProperty("flowsim.repo.dir");
        Path source = repo == null ? null
                : Path.of(repo, "demo", "traces", "h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        Assumptions.assumeTrue(source != null && Files.isRegularFile(source), "no demo trace in <repo>/demo/traces");
        List<KernelRecord> original = Traces.parse(source).kernels();

        Path synthetic = temp.resolve("synthetic.trace.json.gz");
        // one copy, then at least three: the generator stops after the copy that passes the target
        long oneCopy = PyTorchTraceBenchmark.Synthesizer.write(source, synthetic, 1);
        PyTorchTraceBenchmark.Synthesizer.write(source, synthetic, 3 * oneCopy);
        List<KernelRecord> copies = Traces.parse(synthetic).kernels();

        int n = original.size();
        assertThat(copies.size() % n).isZero();
        assertThat(copies.size() / n).isGreaterThanOrEqualTo(3);
        for (int c = 0; c < copies.size() / n; c++) {
            for (int i = 0; i < n; i++) {
                KernelRecord o = original.get(i);
                KernelRecord k = copies.get(c * n + i);
                assertThat(k.name()).isEqualTo(o.name());
                assertThat(k.durationNs()).isEqualTo(o.durationNs());
                assertThat(k.callStack()).as("copy %d, kernel %d (%s)", c, i, o.name()).isEqualTo(o.callStack());
            }
        }
    }
}
