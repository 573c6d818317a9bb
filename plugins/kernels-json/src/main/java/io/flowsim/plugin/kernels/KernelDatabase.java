package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The merged view of every database of a run: entries by kernel name and by implementation. */
final class KernelDatabase {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String BUNDLED = "kernels.json";

    private final Map<String, Entry> byName = new HashMap<>();
    private final Map<String, Entry> byImplementation = new HashMap<>();

    private KernelDatabase() {
    }

    static KernelDatabase load(RunContext context) {
        KernelDatabase db = new KernelDatabase();
        try (InputStream in = KernelDatabase.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new FlowsimException(io.flowsim.api.ErrorCode.INTERNAL,
                        "the bundled kernels.json is missing from the kernels-json plugin");
            }
            db.add("bundled kernels.json", MAPPER.readTree(in));
        } catch (IOException e) {
            throw FlowsimException.badInput("bundled kernels.json: " + e.getMessage(), e);
        }
        for (String file : context.options().getAll("kernels")) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw FlowsimException.badInput("kernel database not found: " + path);
            }
            try (InputStream in = Files.newInputStream(path)) {
                db.add(path.toString(), MAPPER.readTree(in));
            } catch (IOException e) {
                throw FlowsimException.badInput(path + ": not valid JSON: " + e.getMessage(), e);
            }
        }
        return db;
    }

    private void add(String origin, JsonNode root) {
        if (root == null || !root.isArray()) {
            throw FlowsimException.badInput(origin + ": expected a JSON array of kernel entries");
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode n = root.get(i);
            Entry e = new Entry(origin + "#" + i, text(n, "kernel_name"), text(n, "kernel_implementation"),
                    text(n, "op_mapping"), text(n, "operation"), text(n, "source_code"), n.path("params"));
            if (!e.kernelName().isEmpty()) {
                byName.put(e.kernelName(), e);
            }
            if (!e.implementation().isEmpty()) {
                byImplementation.put(e.implementation(), e);
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    Entry byName(String name) {
        return byName.get(name);
    }

    Entry byImplementation(String implementation) {
        return byImplementation.get(implementation);
    }

    record Entry(String reference, String kernelName, String implementation, String opMapping, String operation,
                 String sourceCode, JsonNode params) {
    }
}
