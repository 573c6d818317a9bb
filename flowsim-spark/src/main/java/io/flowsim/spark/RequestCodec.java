package io.flowsim.spark;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Simulation requests and hardware targets as canonical JSON, so that they travel between Spark
 * tasks and identical requests from different traces and executors get the same key: record
 * components in declaration order, map entries sorted by key (an immutable map's iteration order
 * differs between JVMs).
 */
final class RequestCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            // records by their components only (no derived getters such as HardwareTarget.isTraceDevice)
            .visibility(PropertyAccessor.ALL, Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, Visibility.ANY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private RequestCodec() {
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new FlowsimException(ErrorCode.INTERNAL, "cannot encode " + value.getClass().getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    static SimulationRequest request(String json) {
        return read(json, SimulationRequest.class);
    }

    static HardwareTarget target(String json) {
        return read(json, HardwareTarget.class);
    }

    /** The fleet-wide identity of one simulation: the SHA-256 of the target and the request. */
    static String key(String targetJson, String requestJson) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(targetJson.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(requestJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new FlowsimException(ErrorCode.INTERNAL, "cannot decode a " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
