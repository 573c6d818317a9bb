package io.flowsim.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.Locale;
import java.util.Map;

/**
 * Table column names and types for the CSV exporter's columns: snake case, so that SQL needs no
 * quoting ({@code Duration (us)} is {@code duration_us}, {@code Error (%)} is {@code error_pct}),
 * and numbers for the columns that hold numbers.
 */
final class ColumnNames {

    private static final Map<String, DataType> NUMERIC = Map.ofEntries(
            Map.entry("duration_us", DataTypes.DoubleType),
            Map.entry("start_us", DataTypes.DoubleType),
            Map.entry("device", DataTypes.IntegerType),
            Map.entry("stream", DataTypes.LongType),
            Map.entry("correlation", DataTypes.LongType),
            // run analysis: a kernel's work, achieved rates and share of the GPU's peak (empty when unknown)
            Map.entry("flops", DataTypes.DoubleType),
            Map.entry("bytes", DataTypes.DoubleType),
            Map.entry("tflop_s", DataTypes.DoubleType),
            Map.entry("tb_s", DataTypes.DoubleType),
            Map.entry("roofline_us", DataTypes.DoubleType),
            Map.entry("pct_of_peak", DataTypes.DoubleType),
            // the time a kernel shared its device with kernels of other streams (empty for memcpy/memset)
            Map.entry("overlap_us", DataTypes.DoubleType),
            Map.entry("overlap_pct", DataTypes.DoubleType));

    private ColumnNames() {
    }

    static String of(String csvHeader) {
        String s = csvHeader.toLowerCase(Locale.ROOT).replace("%", "pct").replaceAll("[^a-z0-9]+", "_");
        return s.replaceAll("^_+|_+$", "");
    }

    static DataType typeOf(String column) {
        return NUMERIC.getOrDefault(column, DataTypes.StringType);
    }
}
