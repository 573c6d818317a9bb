package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The payload key names artifacts across runs and versions, so its definition is pinned here. */
class TaskPayloadTest {

    private static TaskPayload payload(String kernel, String dims) throws Exception {
        JsonNode inputDim = Json.MAPPER.readTree(dims);
        JsonNode dtype = Json.MAPPER.readTree("[\"bfloat16\",\"bfloat16\"]");
        return new TaskPayload(kernel, "matmul", inputDim, dtype, "A100_4_fp16");
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theKeyIsTheSha256OfTheCanonicalKeyFields() throws Exception {
        String canonical = "{\"dtype\":[\"bfloat16\",\"bfloat16\"],\"input_dim\":[[1,2048],[2048,7168]],"
                + "\"op\":\"matmul\",\"system_key\":\"A100_4_fp16\"}";
        assertThat(payload("itest_matmul", "[[1,2048],[2048,7168]]").key()).isEqualTo(sha256(canonical));
    }

    @Test
    void theKernelNameDoesNotChangeTheKey() throws Exception {
        assertThat(payload("a", "[[1,2048],[2048,7168]]").key())
                .isEqualTo(payload("void at::native::<unnamed>::b<*>()", "[[1,2048],[2048,7168]]").key())
                .isNotEqualTo(payload("a", "[[2,2048],[2048,7168]]").key());
    }

    @Test
    void aRequestReadBackFromAnArtifactAsksTheSameQuestion() throws Exception {
        TaskPayload p = payload("a", "[[1,2048],[2048,7168]]");
        JsonNode readBack = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(p.toJson()));
        assertThat(p.sameQuestion(readBack)).isTrue();
        assertThat(p.sameQuestion(payload("a", "[[1,2048],[2048,4096]]").toJson())).isFalse();
        assertThat(p.sameQuestion(Json.MAPPER.readTree("{\"op\":\"matmul\"}"))).isFalse();
    }
}
