package io.flowsim.runtime.fakes;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.TraceSource;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.TraceMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A test-only trace source for files ending in {@code .fake-trace}: one kernel per line,
 * {@code name|startNs|durationNs|device[|kind]}. A line {@code FAIL} makes the stream throw a
 * bad-input error when it is reached, to test that nothing partial is left behind; a line
 * {@code STALL} makes it print {@code stalled} on standard error and sleep for a minute, so that a
 * test can signal a child process while its outputs are half written.
 */
public final class FakeTraceSource implements TraceSource {

    @Override
    public String name() {
        return "fake-trace";
    }

    @Override
    public String description() {
        return "test-only trace source";
    }

    @Override
    public boolean canOpen(Path file) {
        return file.getFileName().toString().endsWith(".fake-trace");
    }

    @Override
    public Trace open(Path file, RunContext context) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot read " + file, e);
        }
        String name = file.getFileName().toString().replace(".fake-trace", "");
        TraceMetadata metadata = new TraceMetadata(name, file.toString(),
                List.of(new DeviceInfo(0, "NVIDIA H200", 132, 150_110_666_752L, 9, 0, Map.of())), Optional.empty(),
                OptionalInt.of(0), Map.of());
        return new Trace() {
            @Override
            public TraceMetadata metadata() {
                return metadata;
            }

            @Override
            public Stream<KernelRecord> kernels() {
                Iterator<KernelRecord> it = new Iterator<>() {
                    private int index;
                    private final List<String> content = new ArrayList<>(lines.stream().filter(l -> !l.isBlank()).toList());

                    @Override
                    public boolean hasNext() {
                        return index < content.size();
                    }

                    @Override
                    public KernelRecord next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        String line = content.get(index);
                        if (line.equals("STALL")) {
                            index++;
                            System.err.println("stalled");
                            System.err.flush();
                            try {
                                Thread.sleep(60_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            line = content.get(index);
                        }
                        if (line.equals("FAIL")) {
                            throw FlowsimException.badInput(file + ": broken at line " + (index + 1));
                        }
                        String[] f = line.split("\\|");
                        KernelKind kind = f.length > 4 ? KernelKind.valueOf(f[4]) : KernelKind.KERNEL;
                        return KernelRecord.builder(index++, f[0]).kind(kind).start(Long.parseLong(f[1]))
                                .duration(Long.parseLong(f[2])).device(Integer.parseInt(f[3])).build();
                    }
                };
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, 0), false);
            }

            @Override
            public Map<String, Long> statistics() {
                return Map.of("lines", (long) lines.size());
            }

            @Override
            public void close() {
            }
        };
    }
}
