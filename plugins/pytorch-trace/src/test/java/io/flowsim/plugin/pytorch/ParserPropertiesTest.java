package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests (jqwik) of the trace parser's invariants, part of the fault suite of issue
 * 16: whatever the kernels, they come out with their names and times; whatever the damage (a cut,
 * a changed byte), the parser either reads the trace or refuses it with one bad-input line naming
 * the file, and never throws anything else.
 */
class ParserPropertiesTest {

    private static final JsonFactory JSON = new JsonFactory();

    /** One GPU kernel as a trace states it: name, start and duration in whole microseconds. */
    record Kernel(String name, long tsMicros, long durMicros) {
    }

    @Provide
    Arbitrary<List<Kernel>> kernels() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(0).ofMaxLength(300),
                Arbitraries.strings().withCharRange('a', 'z').withChars('_', '<', '>', ',', ' ', ':', '(', ')')
                        .ofMinLength(1).ofMaxLength(200));
        Arbitrary<Kernel> kernel = Combinators.combine(names, Arbitraries.longs().between(0, 4_000_000_000L),
                Arbitraries.longs().between(0, 10_000_000L)).as(Kernel::new);
        return kernel.list().ofMinSize(1).ofMaxSize(40);
    }

    private static Path write(List<Kernel> kernels) throws IOException {
        Path file = Files.createTempFile("flowsim-property-", ".json");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeArrayFieldStart("traceEvents");
            int correlation = 1;
            for (Kernel k : kernels) {
                g.writeStartObject();
                g.writeStringField("ph", "X");
                g.writeStringField("cat", "kernel");
                g.writeStringField("name", k.name());
                g.writeNumberField("pid", 0);
                g.writeNumberField("tid", 7);
                g.writeNumberField("ts", k.tsMicros());
                g.writeNumberField("dur", k.durMicros());
                g.writeObjectFieldStart("args");
                g.writeNumberField("device", 0);
                g.writeNumberField("stream", 7);
                g.writeNumberField("correlation", correlation++);
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return file;
    }

    @Property(tries = 150)
    void everyKernelComesOutWithItsNameAndTimesInTimeOrder(@ForAll("kernels") List<Kernel> kernels) throws IOException {
        Path file = write(kernels);
        try {
            List<KernelRecord> parsed = Traces.parse(file).kernels();
            List<Kernel> expected = new ArrayList<>(kernels);
            expected.sort(Comparator.comparingLong(Kernel::tsMicros)); // stable: equal times keep trace order
            assertThat(parsed).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(parsed.get(i).name()).isEqualTo(NameTable.withoutLoneSurrogates(expected.get(i).name()));
                assertThat(parsed.get(i).durationNs()).isEqualTo(expected.get(i).durMicros() * 1000);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static final byte[] VALID = ("{\"schemaVersion\": 1, \"traceEvents\": ["
            + "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"gemm_kernel\", \"pid\": 0, \"tid\": 7, \"ts\": 1000.5,"
            + " \"dur\": 12.25, \"args\": {\"device\": 0, \"stream\": 7, \"correlation\": 101, \"grid\": [4, 2, 1]}},"
            + "{\"ph\": \"X\", \"cat\": \"cuda_runtime\", \"name\": \"cudaLaunchKernel\", \"pid\": 1, \"tid\": 5,"
            + " \"ts\": 995.25, \"dur\": 3.5, \"args\": {\"External id\": 11, \"correlation\": 101}},"
            + "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"aten::mm\", \"pid\": 1, \"tid\": 5, \"ts\": 990.0,"
            + " \"dur\": 20.0, \"args\": {\"External id\": 11, \"Input Dims\": [[64, 128], [128, 256]],"
            + " \"Input type\": [\"c10::BFloat16\", \"c10::BFloat16\"]}},"
            + "{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 0, \"args\": {\"name\": \"GPU 0\"}}],"
            + " \"deviceProperties\": [{\"id\": 0, \"name\": \"NVIDIA H200\"}]}").getBytes(StandardCharsets.UTF_8);

    /** Parses, and checks the one allowed way to fail. */
    private static void parsesOrRefusesCleanly(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("flowsim-property-", ".json");
        try {
            Files.write(file, bytes);
            try {
                Traces.parse(file);
            } catch (FlowsimException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Property(tries = 150)
    void anyCutParsesOrIsRefusedWithOneLine(@ForAll @IntRange(min = 0, max = 1200) int cut) throws IOException {
        parsesOrRefusesCleanly(java.util.Arrays.copyOf(VALID, Math.min(cut, VALID.length)));
    }

    @Property(tries = 200)
    void anyChangedBytesParseOrAreRefusedWithOneLine(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> at,
                                                      @ForAll byte value) throws IOException {
        byte[] b = VALID.clone();
        for (int i : at) {
            b[i % b.length] = value;
        }
        parsesOrRefusesCleanly(b);
    }

    @Property(tries = 300)
    void namesAreAlwaysEncodableAndValidNamesAreUnchanged(@ForAll String name) {
        String fixed = NameTable.withoutLoneSurrogates(name);
        assertThat(new String(fixed.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(fixed);
        assertThat(NameTable.withoutLoneSurrogates(fixed)).isEqualTo(fixed);
        assertThat(fixed).hasSameSizeAs(name);
        if (StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            assertThat(fixed).isEqualTo(name);
        }
    }
}
