package io.flowsim.plugin.sglang;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Finds the trace files one profiling run created. A snapshot (path, size, modification time) of
 * every {@code *.trace.json.gz} under the profile directory, taken before the run, tells the user's
 * earlier files apart from new ones; a file counts as new when it was absent from the snapshot or
 * its size or time changed. Nothing is ever deleted or modified.
 *
 * <p>sglang's ranks export their traces independently and after {@code /stop_profile} answers, so
 * {@link #await} waits until the new files stop changing, every expected rank has written, and each
 * file is a complete gzip stream. Not thread-safe; one instance per run.
 */
final class TraceCollector {

    private static final long POLL_MILLIS = 250;

    private final Path directory;
    private final Map<Path, FileState> before;
    private final Map<Path, FileState> checkedComplete = new HashMap<>();
    private final Map<Path, FileState> checkedIncomplete = new HashMap<>();

    private TraceCollector(Path directory, Map<Path, FileState> before) {
        this.directory = directory;
        this.before = before;
    }

    /** Records the trace files present in {@code directory} (recursively) now. */
    static TraceCollector snapshot(Path directory) throws IOException {
        return new TraceCollector(directory, scan(directory));
    }

    /** The number of trace files that existed before the run. */
    int existingCount() {
        return before.size();
    }

    /** The trace files created or changed since the snapshot, with their current state. */
    Map<Path, FileState> newTraces() throws IOException {
        Map<Path, FileState> now = scan(directory);
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        return now;
    }

    /**
     * Waits for the new traces to be written completely.
     *
     * @param timeout       how long to wait at most
     * @param quiet         how long the set of new files and their sizes must stay unchanged
     * @param expectedRanks the tensor-parallel size, when known: wait for ranks 0..n-1
     * @param status        receives a short status line while waiting
     * @return the complete files, the incomplete ones, and the ranks that never wrote
     */
    Collected await(Duration timeout, Duration quiet, OptionalInt expectedRanks, Consumer<String> status)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<Path, FileState> last = null;
        long stableSince = start;
        while (true) {
            Map<Path, FileState> current = newTraces();
            long now = System.nanoTime();
            if (!current.equals(last)) {
                last = current;
                stableSince = now;
            }
            boolean timedOut = now - deadline >= 0;
            if (!current.isEmpty() && (now - stableSince >= quiet.toNanos() || timedOut)) {
                List<Path> complete = new ArrayList<>();
                List<Path> incomplete = new ArrayList<>();
                for (Map.Entry<Path, FileState> e : current.entrySet()) {
                    (isComplete(e.getKey(), e.getValue()) ? complete : incomplete).add(e.getKey());
                }
                Set<Integer> missing = missingRanks(current.keySet(), expectedRanks);
                if ((incomplete.isEmpty() && missing.isEmpty()) || timedOut) {
                    complete.sort(BY_RANK_THEN_NAME);
                    incomplete.sort(BY_RANK_THEN_NAME);
                    return new Collected(complete, incomplete, missing);
                }
                status.accept(current.size() + " new, " + complete.size() + " complete"
                        + (missing.isEmpty() ? "" : ", waiting for rank " + missing.stream().map(String::valueOf)
                        .collect(Collectors.joining(","))));
            } else if (timedOut) {
                return new Collected(List.of(), List.of(), missingRanks(Set.of(), expectedRanks));
            } else {
                status.accept(current.isEmpty() ? "waiting for the first trace file"
                        : current.size() + " new, still being written");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Complete, incomplete and missing traces; lists sorted by rank, then name. */
    record Collected(List<Path> complete, List<Path> incomplete, Set<Integer> missingRanks) {
        Collected {
            complete = List.copyOf(complete);
            incomplete = List.copyOf(incomplete);
            missingRanks = Set.copyOf(missingRanks);
        }
    }

    static final Comparator<Path> BY_RANK_THEN_NAME = Comparator
            .comparingInt((Path p) -> TraceFileName.tensorParallelRank(p).orElse(Integer.MAX_VALUE))
            .thenComparing(p -> p.getFileName().toString())
            .thenComparing(Path::toString);

    /** Ranks 0..n-1 that no file names; none when n is unknown or no file carries a rank. */
    private static Set<Integer> missingRanks(Set<Path> files, OptionalInt expectedRanks) {
        if (expectedRanks.isEmpty()) {
            return Set.of();
        }
        Set<Integer> seen = new TreeSet<>();
        boolean anyNamed = false;
        for (Path f : files) {
            OptionalInt r = TraceFileName.tensorParallelRank(f);
            if (r.isPresent()) {
                anyNamed = true;
                seen.add(r.getAsInt());
            }
        }
        if (!anyNamed && !files.isEmpty()) {
            return Set.of();
        }
        Set<Integer> missing = new TreeSet<>();
        for (int r = 0; r < expectedRanks.getAsInt(); r++) {
            if (!seen.contains(r)) {
                missing.add(r);
            }
        }
        return missing;
    }

    /** Whether the file is a complete gzip stream; remembered per (size, time) so each state is read once. */
    private boolean isComplete(Path file, FileState state) {
        if (state.equals(checkedComplete.get(file))) {
            return true;
        }
        if (state.equals(checkedIncomplete.get(file))) {
            return false;
        }
        boolean complete = isCompleteGzip(file);
        (complete ? checkedComplete : checkedIncomplete).put(file, state);
        return complete;
    }

    /** Reads the whole file through gzip, which checks the CRC and length of every member. */
    static boolean isCompleteGzip(Path file) {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            while (in.read(buffer) >= 0) {
                // Only the check matters; the content is read by trace parsing later.
            }
            return true;
        } catch (IOException e) {
            // EOFException: truncated (still being written); ZipException: not gzip or corrupt.
            return false;
        }
    }

    private static Map<Path, FileState> scan(Path directory) throws IOException {
        Map<Path, FileState> files = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && TraceFileName.isTrace(file)) {
                    files.put(file, new FileState(attrs.size(), attrs.lastModifiedTime()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // An unreadable entry (a directory without permission, a file deleted while walking)
                // cannot be one of ours: sglang only writes where it can.
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    /** What identifies a version of a file for the comparison. */
    record FileState(long size, FileTime modified) {
    }
}
