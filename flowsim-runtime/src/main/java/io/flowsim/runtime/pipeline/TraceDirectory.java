package io.flowsim.runtime.pipeline;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.TraceSource;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The traces of a {@code --trace-dir}: every {@code *.json} / {@code *.json.gz} regular file directly in
 * the folder (not searched recursively), sorted by name, except the files the trace sources say are not
 * theirs ({@link TraceSource#whyNotATrace}: for the pytorch-trace plugin, the {@code *.meta.json} sidecars
 * of the demo folder, a configuration file), which are listed as skipped with the source's reason.
 *
 * <p>The runtime knows no trace format: which file is a trace is the sources' judgement. A file is asked
 * of the source named by {@code --source}, else of every installed source whose {@link TraceSource#canOpen}
 * accepts it; it is skipped when every source asked rejects it, and kept when none is asked (reading it
 * then says that no installed source reads it). A folder where nothing is left is an error.
 */
public final class TraceDirectory {

    private TraceDirectory() {
    }

    /** A file of the folder that is not a trace, and why (one line). */
    public record Skipped(Path file, String reason) {

        /**
         * The line that lists it, {@code skipped FILE: REASON}; a control character of the file's name (a
         * newline is legal in one) is escaped ({@link PrintableText}), so that the line stays one line.
         */
        public String line() {
            return "skipped " + PrintableText.of(file) + ": " + reason;
        }
    }

    /**
     * A folder's traces and the JSON files skipped.
     *
     * @param traces  the trace files, sorted by name; never empty
     * @param skipped the JSON files that are not traces, sorted by name
     */
    public record Listing(Path directory, List<Path> traces, List<Skipped> skipped) {
        public Listing {
            traces = List.copyOf(traces);
            skipped = List.copyOf(skipped);
        }
    }

    /** A file's content from its first byte, opened on demand (once per source asked). */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    /** The installed trace sources, in discovery order. */
    public static List<TraceSource> sources(ExtensionRegistry registry) {
        return registry.traceSources().stream().map(Discovered::extension).toList();
    }

    /**
     * Lists {@code directory}, asking the trace sources of {@code registry}: the one {@code named}
     * ({@code --source}) when it is installed, else every one that accepts the file (an unknown name is
     * reported when a trace is read, as for {@code --trace-file}).
     *
     * @throws FlowsimException as {@link #list(Path, List, boolean)}
     */
    public static Listing list(Path directory, ExtensionRegistry registry, Optional<String> named) {
        Optional<TraceSource> one = named.flatMap(n -> registry.traceSources().stream()
                .filter(d -> d.name().equals(n)).map(Discovered::extension).findFirst());
        return one.isPresent() ? list(directory, List.of(one.get()), true) : list(directory, sources(registry), false);
    }

    /**
     * Lists {@code directory}, asking {@code sources} (in order) which of its JSON files are traces.
     *
     * @param named whether {@code sources} is the one source the user named ({@code --source}), which is
     *              asked whatever its {@link TraceSource#canOpen} says
     * @throws FlowsimException bad input when the folder is missing or unreadable, or holds no trace (the
     *                          message names the files skipped and why)
     */
    public static Listing list(Path directory, List<TraceSource> sources, boolean named) {
        if (!Files.isDirectory(directory)) {
            throw FlowsimException.badInput("trace directory not found: " + directory);
        }
        List<Path> found = new ArrayList<>();
        List<Path> broken = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(directory)) {
            for (Path p : s) {
                if (!isJsonName(p.getFileName().toString())) {
                    continue;
                }
                if (Files.isRegularFile(p)) {
                    found.add(p);
                } else if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                    broken.add(p);
                }
            }
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot list trace directory " + directory + ": "
                    + OutputDirectories.reason(e), e);
        }
        if (!broken.isEmpty()) {
            // a trace's name that leads to no file (its target moved, a loop of links): skipping it would
            // analyse the run without that rank, so it is refused as a missing trace would be
            broken.sort(null);
            Path p = broken.get(0);
            throw FlowsimException.badInput("trace directory " + PrintableText.of(directory) + ": "
                    + PrintableText.of(p.getFileName()) + " is a symbolic link that leads to no file ("
                    + brokenLink(p) + "); restore its target or remove the link"
                    + (broken.size() == 2 ? " (and one more such link)"
                    : broken.size() > 2 ? " (and " + (broken.size() - 1) + " more such links)" : ""));
        }
        found.sort(null);
        List<Path> traces = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path p : found) {
            List<TraceSource> asked = named ? sources : sources.stream().filter(s -> canOpen(s, p)).toList();
            Optional<String> why = whyNotATrace(asked, p.getFileName().toString(), () -> Files.newInputStream(p));
            if (why.isPresent()) {
                skipped.add(new Skipped(p, why.get()));
            } else {
                traces.add(p);
            }
        }
        if (traces.isEmpty()) {
            throw FlowsimException.badInput("no traces (*.json, *.json.gz) in " + directory + (skipped.isEmpty() ? ""
                    : "; skipped " + (skipped.size() == 1 ? "1 JSON file that is not a profiler trace, "
                    : skipped.size() + " JSON files that are not profiler traces, e.g. ")
                    + skipped.get(0).file().getFileName() + ": " + skipped.get(0).reason()));
        }
        return new Listing(directory, traces, skipped);
    }

    /** Why a symbolic link leads to no file: the end of its chain of links is missing, or the links loop. */
    private static String brokenLink(Path link) {
        Set<Path> seen = new HashSet<>();
        Path p = link;
        try {
            while (Files.isSymbolicLink(p)) {
                if (!seen.add(p.toAbsolutePath().normalize()) || seen.size() > 40) {
                    return "a loop of symbolic links";
                }
                p = p.resolveSibling(Files.readSymbolicLink(p));
            }
            return PrintableText.of(p) + " does not exist";
        } catch (IOException | UnsupportedOperationException e) {
            return "it cannot be read";
        }
    }

    /** Whether a file's name is one a folder of traces is searched for ({@code *.json}, {@code *.json.gz}). */
    public static boolean isJsonName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".json.gz");
    }

    /**
     * Why a file is not a trace: the first source's reason when every source {@code asked} rejects it
     * ({@link TraceSource#whyNotATrace}); empty when one accepts it, when none is asked, or when it cannot be
     * opened (reading it then fails, naming the file). A source that throws is taken to accept it.
     */
    public static Optional<String> whyNotATrace(List<TraceSource> asked, String fileName, Content content) {
        Optional<String> first = Optional.empty();
        for (TraceSource s : asked) {
            Optional<String> why;
            try (InputStream in = content.open()) {
                why = s.whyNotATrace(fileName, in);
            } catch (IOException | RuntimeException unreadable) {
                return Optional.empty();
            }
            if (why == null || why.isEmpty() || why.get().isBlank()) {
                return Optional.empty();
            }
            if (first.isEmpty()) {
                first = Optional.of(PrintableText.of(why.get()));
            }
        }
        return first;
    }

    private static boolean canOpen(TraceSource source, Path file) {
        try {
            return source.canOpen(file);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
