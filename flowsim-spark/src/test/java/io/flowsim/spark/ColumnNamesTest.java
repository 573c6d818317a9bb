package io.flowsim.spark;

import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnNamesTest {

    @Test
    void csvHeadersBecomeSnakeCaseNamesThatNeedNoQuoting() {
        assertThat(ColumnNames.of("Duration (us)")).isEqualTo("duration_us");
        assertThat(ColumnNames.of("Error (%)")).isEqualTo("error_pct");
        assertThat(ColumnNames.of("Input/Output")).isEqualTo("input_output");
        assertThat(ColumnNames.of("Data Type")).isEqualTo("data_type");
        assertThat(ColumnNames.of("Name")).isEqualTo("name");
    }

    @Test
    void numericColumnsGetNumericTypesAndTheRestStayStrings() {
        assertThat(ColumnNames.typeOf("duration_us")).isEqualTo(DataTypes.DoubleType);
        assertThat(ColumnNames.typeOf("correlation")).isEqualTo(DataTypes.LongType);
        assertThat(ColumnNames.typeOf("device")).isEqualTo(DataTypes.IntegerType);
        assertThat(ColumnNames.typeOf("dims")).isEqualTo(DataTypes.StringType);
    }
}
