package io.flowsim.spark;

import io.flowsim.api.FlowsimException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The output directory: {@code kernels/} and {@code traces/} (Parquet, partitioned by {@code run=}),
 * and {@code _staging/<job>/} while a job writes.
 *
 * <p>A job writes both tables under its staging directory, marks it {@code COMMITTING}, moves its
 * kernel files into {@code kernels/} (prefixed with the job id, so files of earlier jobs stay) and
 * then swaps in its {@code traces/}, which lists every trace of every job. A job interrupted before
 * the mark leaves nothing visible (its staging directory is removed by the next job); one interrupted
 * after the mark is completed by the next job before it starts. So a trace is in {@code traces/} with
 * status {@code ok} exactly when its kernel rows are all in {@code kernels/}.
 *
 * <p>Nothing of the user's is replaced: a {@code traces/} FlowSim did not write, and trace files inside
 * {@code kernels/}, {@code traces/} or {@code _staging/}, are refused before the job starts.
 */
final class OutputTables {

    static final String KERNELS = "kernels";
    static final String TRACES = "traces";
    private static final String STAGING = "_staging";
    private static final String COMMITTING = "COMMITTING";
    private static final String OLD_TRACES = "traces-old";

    private final FileSystem fs;
    private final Path root;

    private OutputTables(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    static OutputTables open(String output, Configuration conf) {
        try {
            Path path = new Path(output);
            FileSystem fs = path.getFileSystem(conf);
            Path root = fs.makeQualified(path);
            if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
                throw FlowsimException.usage("--output " + output + " is a file; name a directory");
            }
            Path traces = new Path(root, TRACES);
            if (fs.exists(traces) && !fs.exists(new Path(traces, "_SUCCESS"))) {
                // a commit replaces traces/ (and the old one is deleted): never one FlowSim did not write
                throw FlowsimException.usage("--output " + output + " already holds a " + TRACES + "/ that is not a"
                        + " traces table FlowSim wrote (no _SUCCESS in it); a job would replace it: choose another"
                        + " --output");
            }
            fs.mkdirs(root);
            return new OutputTables(fs, root);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot create the output directory " + output + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a job whose trace files lie where it writes, moves or deletes files: the {@code kernels/},
     * {@code traces/} and {@code _staging/} directories of the output.
     *
     * @param traceFiles the job's trace files, as fully qualified paths
     */
    void refuseInputsInside(List<String> traceFiles) {
        for (String managed : List.of(KERNELS, TRACES, STAGING)) {
            String prefix = new Path(root, managed).toString() + Path.SEPARATOR;
            for (String file : traceFiles) {
                if (file.startsWith(prefix)) {
                    throw FlowsimException.usage("refusing to write " + new Path(root, managed) + ": the trace "
                            + file + " is inside it, and a job replaces or deletes what is there; move the traces"
                            + " or choose another --output");
                }
            }
        }
    }

    Path kernels() {
        return new Path(root, KERNELS);
    }

    Path traces() {
        return new Path(root, TRACES);
    }

    Path staging(String jobId) {
        return new Path(new Path(root, STAGING), jobId);
    }

    boolean hasTraces() {
        return io(() -> fs.exists(new Path(traces(), "_SUCCESS")));
    }

    /** Completes a job interrupted while committing and removes what interrupted jobs left staged. */
    void recover() {
        io(() -> {
            Path stagingRoot = new Path(root, STAGING);
            if (!fs.exists(stagingRoot)) {
                return null;
            }
            for (FileStatus job : fs.listStatus(stagingRoot)) {
                if (fs.exists(new Path(job.getPath(), COMMITTING))) {
                    finishCommit(job.getPath(), job.getPath().getName());
                } else {
                    fs.delete(job.getPath(), true);
                }
            }
            fs.delete(stagingRoot, true);
            return null;
        });
    }

    /** Publishes the job's staged tables (see the class comment). */
    void commit(String jobId) {
        io(() -> {
            Path job = staging(jobId);
            fs.create(new Path(job, COMMITTING), true).close();
            finishCommit(job, jobId);
            fs.delete(new Path(root, STAGING), true);
            return null;
        });
    }

    private void finishCommit(Path job, String jobId) throws IOException {
        Path stagedKernels = new Path(job, KERNELS);
        if (fs.exists(stagedKernels)) {
            for (FileStatus partition : fs.listStatus(stagedKernels)) {
                if (!partition.isDirectory()) {
                    continue;
                }
                Path target = new Path(kernels(), partition.getPath().getName());
                fs.mkdirs(target);
                for (FileStatus file : fs.listStatus(partition.getPath())) {
                    String name = file.getPath().getName();
                    if (file.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                        rename(file.getPath(), new Path(target, jobId + "-" + name));
                    }
                }
            }
            fs.delete(stagedKernels, true);
        }
        Path stagedTraces = new Path(job, TRACES);
        if (fs.exists(stagedTraces)) {
            if (fs.exists(traces())) {
                rename(traces(), new Path(job, OLD_TRACES));
            }
            rename(stagedTraces, traces());
        }
        fs.delete(job, true);
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot move " + from + " to " + to);
        }
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private static <T> T io(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the output directory", e);
        }
    }
}
