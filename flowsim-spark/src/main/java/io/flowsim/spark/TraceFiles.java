package io.flowsim.spark;

import io.flowsim.api.FlowsimException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The trace files named by paths and globs on any Hadoop file system: a file as it is, a directory
 * as its {@code *.json} and {@code *.json.gz} files. Each file gets its run (its directory's name, or
 * the one the job names) and its rank by name within the run.
 */
final class TraceFiles {

    private TraceFiles() {
    }

    static List<TraceInput> expand(List<String> patterns, Optional<String> run, Configuration conf) {
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
                        for (FileStatus f : fs.listStatus(match.getPath())) {
                            if (f.isFile() && isTraceName(f.getPath().getName())) {
                                files.put(fs.makeQualified(f.getPath()).toString(), f);
                            }
                        }
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

    private static boolean isTraceName(String name) {
        return name.endsWith(".json") || name.endsWith(".json.gz");
    }
}
