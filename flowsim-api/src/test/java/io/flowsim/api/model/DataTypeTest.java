package io.flowsim.api.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DataTypeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "c10::BFloat16|BF16", "torch.bfloat16|BF16", "bfloat16|BF16", "BFloat16|BF16", "bf16|BF16",
        "c10::Half|FP16", "torch.float16|FP16", "half|FP16", "Half|FP16",
        "float|FP32", "torch.float32|FP32", "Float|FP32", "double|FP64",
        "c10::Float8_e4m3fn|FP8_E4M3", "float8_e4m3fn|FP8_E4M3", "c10::Float8_e5m2|FP8_E5M2",
        "long int|INT64", "torch.int64|INT64", "int|INT32", "torch.int32|INT32", "unsigned char|UINT8",
        "bool|BOOL", "Scalar|UNKNOWN", "TensorList|UNKNOWN", "''|UNKNOWN", "N/A|UNKNOWN", "GenericList|UNKNOWN"})
    void normalizesEverySpelling(String raw, DataType expected) {
        assertThat(DataType.fromName(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"BF16,2", "FP32,4", "FP8_E4M3,1", "INT64,8", "FP4_E2M1,0.5", "UNKNOWN,0"})
    void knowsElementSizes(DataType type, double bytes) {
        assertThat(type.bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"bf16,BF16", "FP8_e4m3,FP8_E4M3", "int64,INT64"})
    void idsRoundTrip(String id, DataType type) {
        assertThat(DataType.fromId(id)).isEqualTo(type);
        assertThat(DataType.fromId(type.id())).isEqualTo(type);
    }
}
