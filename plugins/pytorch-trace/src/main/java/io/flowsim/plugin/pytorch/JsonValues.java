package io.flowsim.plugin.pytorch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one small JSON value (an event's {@code args}, {@code deviceProperties}) from a streaming
 * parser into plain Java values: {@code null}, {@link Boolean}, {@link Long}, {@link BigInteger}
 * (integers beyond 64 bits), {@link BigDecimal} (exact decimals), {@link String}, {@link List} and
 * {@link Map} (in key order). Never used for a whole trace.
 */
final class JsonValues {

    private JsonValues() {
    }

    /** Reads the value whose first token is the parser's current token. */
    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return null;
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, read(p));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                if (p.isNaN()) {
                    return p.getText();
                }
                return p.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    /** A short rendering of a value for error messages. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String kind = value instanceof String ? "string" : value instanceof List ? "list"
                : value instanceof Map ? "object" : value instanceof Boolean ? "boolean" : "number";
        String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return kind + " " + text;
    }

    /**
     * The exact 64-bit value of an integral decimal, decided from its digit count before any
     * arithmetic (so that {@code 1e999999999} costs nothing), or empty.
     */
    static java.util.OptionalLong exactLong(BigDecimal d) {
        if (d.signum() == 0) {
            return java.util.OptionalLong.of(0);
        }
        long integerDigits = (long) d.precision() - d.scale();
        if (integerDigits <= 0 || integerDigits > 19) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(d.longValueExact());
        } catch (ArithmeticException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** The text of a scalar value as written ({@code 12}, {@code 0.25}, {@code inf}, {@code true}). */
    static String text(Object value) {
        if (value instanceof BigDecimal d) {
            // plain text of 1e999999999 would be a billion characters
            return Math.abs((long) d.precision() - d.scale()) > 100 || Math.abs(d.scale()) > 100 ? d.toString()
                    : d.toPlainString();
        }
        return String.valueOf(value);
    }
}
