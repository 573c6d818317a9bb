package io.flowsim.spark;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.TraceSource;
import io.flowsim.runtime.pipeline.PrintableText;
import io.flowsim.runtime.pipeline.TraceDirectory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The trace files named by paths and globs on any Hadoop file system: a file as it is, a directory
 * as its {@code *.json} and {@code *.json.gz} traces, by the rule of the command line's {@code --trace-dir}
 * (JSON files the trace sources say are not traces are listed as skipped, with the source's reason).
 * Each file gets its run (its directory's name, or the one the job names) and its rank by name within
 * the run.
 */
final class TraceFiles {

    private TraceFiles() {
    }

    /**
     * The trace files of {@code patterns}; {@code sources} (the installed trace sources, in discovery order)
     * judge which JSON files of a directory are traces.
     */
    static List<TraceInput> expand(List<String> patterns, Optional<String> run, Configuration conf,
                                   List<TraceSource> sources, Consumer<String> log) {
        Map<String, FileStatus> files = new LinkedHashMap<>();
        for (String pattern : patterns) {
            try {
                Path path = new Path(pattern);
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw FlowsimException.badInput("no trace file matches " + pattern);
                }
                for (FileStatus match : matches) {
                    if (match.isDirectory()) {
                        listDirectory(fs, match, sources, files, log);
                    } else {
                        files.put(fs.makeQualified(match.getPath()).toString(), match);
                    }
                }
            } catch (IOException e) {
                throw FlowsimException.badInput("cannot list " + pattern + ": " + e.getMessage(), e);
            }
        }
        Map<String, List<Map.Entry<String, FileStatus>>> byRun = new TreeMap<>();
        for (Map.Entry<String, FileStatus> e : files.entrySet()) {
            Path parent = e.getValue().getPath().getParent();
            String runName = run.orElse(parent == null || parent.getName().isEmpty() ? "default" : parent.getName());
            byRun.computeIfAbsent(runName, r -> new ArrayList<>()).add(e);
        }
        List<TraceInput> inputs = new ArrayList<>();
        for (Map.Entry<String, List<Map.Entry<String, FileStatus>>> r : byRun.entrySet()) {
            List<Map.Entry<String, FileStatus>> members = r.getValue();
            members.sort(Comparator.comparing((Map.Entry<String, FileStatus> e) -> e.getValue().getPath().getName())
                    .thenComparing(Map.Entry::getKey));
            for (int i = 0; i < members.size(); i++) {
                FileStatus f = members.get(i).getValue();
                inputs.add(new TraceInput(members.get(i).getKey(), f.getPath().getName(), r.getKey(), i, f.getLen(),
                        f.getModificationTime()));
            }
        }
        return inputs;
    }

    /**
     * A directory's traces, by the rule of {@code --trace-dir} ({@link TraceDirectory}): its {@code *.json} /
     * {@code *.json.gz} files, except those the sources accepting them by {@link TraceSource#canOpen} all
     * reject ({@link TraceSource#whyNotATrace}: for pytorch-trace, the {@code *.meta.json} sidecars of the
     * demo folder), each listed on {@code log} as skipped. {@code canOpen} is asked with the local file on
     * the local file system. On another, the file has no local path: it is asked with its name in an empty
     * folder of its own ({@link #nameElsewhere}), which a source judging by name reads as the name, and a
     * source reading the first bytes cannot open (its answer is false, or an exception, taken as false),
     * never a local file of that name (a bare name would resolve against the driver's working directory);
     * {@link TraceSource#whyNotATrace} then reads the real bytes through the Hadoop file system.
     * A directory with no trace left is bad input, as for {@code --trace-dir}.
     */
    private static void listDirectory(FileSystem fs, FileStatus directory, List<TraceSource> sources,
                                      Map<String, FileStatus> files, Consumer<String> log) throws IOException {
        FileStatus[] entries = fs.listStatus(directory.getPath());
        Arrays.sort(entries, Comparator.comparing((FileStatus f) -> f.getPath().getName()));
        List<String> skipped = new ArrayList<>();
        int traces = 0;
        boolean local = "file".equals(fs.getUri().getScheme());
        java.nio.file.Path nowhere = local ? null : Files.createTempDirectory("flowsim-names-");
        try {
            for (FileStatus f : entries) {
                if (!f.isFile() || !TraceDirectory.isJsonName(f.getPath().getName())) {
                    continue;
                }
                Optional<java.nio.file.Path> asFile = local
                        ? Optional.of(Paths.get(fs.makeQualified(f.getPath()).toUri()))
                        : nameElsewhere(nowhere, f.getPath().getName());
                List<TraceSource> asked = asFile.map(p -> sources.stream().filter(s -> canOpen(s, p)).toList())
                        .orElse(List.of());
                Optional<String> why = TraceDirectory.whyNotATrace(asked, f.getPath().getName(),
                        () -> fs.open(f.getPath()));
                if (why.isPresent()) {
                    skipped.add(PrintableText.of(f.getPath()) + ": " + PrintableText.of(why.get()));
                } else {
                    files.put(fs.makeQualified(f.getPath()).toString(), f);
                    traces++;
                }
            }
        } finally {
            if (nowhere != null) {
                Files.deleteIfExists(nowhere);
            }
        }
        skipped.forEach(s -> log.accept("skipped " + s));
        if (traces == 0) {
            throw FlowsimException.badInput("no traces (*.json, *.json.gz) in " + directory.getPath()
                    + (skipped.isEmpty() ? "" : "; skipped " + skipped.size() + " JSON file(s) that are not profiler"
                    + " traces, e.g. " + skipped.get(0)));
        }
    }

    /**
     * {@code fileName} in {@code emptyFolder}: a path with the file's name that names no file (the folder is
     * this listing's own and stays empty); empty when the name is not a legal local path.
     */
    static Optional<java.nio.file.Path> nameElsewhere(java.nio.file.Path emptyFolder, String fileName) {
        try {
            return Optional.of(emptyFolder.resolve(fileName));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static boolean canOpen(TraceSource source, java.nio.file.Path file) {
        try {
            return source.canOpen(file);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
