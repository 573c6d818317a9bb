package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One {@code POST /tasks} body ({@code KernelTask} in the server's terms).
 *
 * <p>The server's answer depends on {@code op}, {@code input_dim}, {@code dtype} and
 * {@code system_key} only ({@code kernel_name} routes nothing once {@code op} is set), so those
 * four fields form the {@link #key() key} by which tasks are de-duplicated and artifacts named.
 *
 * @param kernelName the first kernel name that produced this payload (informational for the server)
 * @param op         {@code matmul}, {@code bmm}, {@code softmax} or {@code layernorm}
 * @param inputDim   {@code [A, B]} for matmul/bmm, one flat shape for the others
 * @param dtype      a list for matmul/bmm, one string for the others (the server's rule)
 * @param systemKey  the LLMCompass system
 */
record TaskPayload(String kernelName, String op, JsonNode inputDim, JsonNode dtype, String systemKey) {

    TaskPayload {
        Objects.requireNonNull(kernelName, "kernelName");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(inputDim, "inputDim");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(systemKey, "systemKey");
    }

    /** The request body, with the server's field names in its order. */
    ObjectNode toJson() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("kernel_name", kernelName);
        body.put("op", op);
        body.set("input_dim", inputDim.deepCopy());
        body.set("dtype", dtype.deepCopy());
        body.put("system_key", systemKey);
        return body;
    }

    /** The fields that decide the server's answer, in alphabetical order (canonical JSON). */
    ObjectNode keyJson() {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.set("dtype", dtype.deepCopy());
        key.set("input_dim", inputDim.deepCopy());
        key.put("op", op);
        key.put("system_key", systemKey);
        return key;
    }

    /** SHA-256 (lower-case hex) of the compact canonical JSON of {@link #keyJson()}. */
    String key() {
        try {
            byte[] canonical = Json.MAPPER.writeValueAsString(keyJson()).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash an LLMCompass payload", e);
        }
    }

    /**
     * Whether an earlier request body (from an artifact) asks the server the same question: the same
     * key fields, compared in their canonical JSON form (so {@code 64} read back equals {@code 64L}).
     */
    boolean sameQuestion(JsonNode request) {
        if (request == null || !request.isObject() || !request.path("op").isTextual()
                || !request.path("system_key").isTextual() || request.get("input_dim") == null
                || request.get("dtype") == null) {
            return false;
        }
        TaskPayload other = new TaskPayload("", request.get("op").asText(), request.get("input_dim"),
                request.get("dtype"), request.get("system_key").asText());
        try {
            return Json.MAPPER.writeValueAsString(keyJson()).equals(Json.MAPPER.writeValueAsString(other.keyJson()));
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
