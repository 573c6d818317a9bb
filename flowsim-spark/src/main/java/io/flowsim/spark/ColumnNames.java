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

    private static final Map<String, DataType> NUMERIC = Map.of(
            "duration_us", DataTypes.DoubleType,
            "start_us", DataTypes.DoubleType,
            "device", DataTypes.IntegerType,
            "stream", DataTypes.LongType,
            "correlation", DataTypes.LongType);

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
