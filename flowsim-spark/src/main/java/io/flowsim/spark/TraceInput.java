package io.flowsim.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * One trace file of the fleet, as the driver found it.
 *
 * @param path           the file's fully qualified Hadoop path ({@code file:/...}, {@code hdfs://...})
 * @param fileName       the file name
 * @param run            the run it belongs to (its directory's name, unless the job names one)
 * @param rankByName     its position among its run's files sorted by name: the rank when the trace does not say
 * @param sizeBytes      the file's size
 * @param modifiedMillis the file's modification time
 */
record TraceInput(String path, String fileName, String run, int rankByName, long sizeBytes, long modifiedMillis)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    TraceInput {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(run, "run");
    }
}
