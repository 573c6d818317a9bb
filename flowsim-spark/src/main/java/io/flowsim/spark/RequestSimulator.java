package io.flowsim.spark;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.runtime.discovery.ExtensionPoint;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Simulates one partition of the fleet's distinct requests: one backend call per hardware target,
 * as {@code flowsim simulate} makes one call per trace. A backend that fails on a batch fails those
 * requests, with its message, not the job.
 */
final class RequestSimulator {

    /** Rows in: {@code key, target_json, request_json}. */
    static final StructType REQUESTS = new StructType()
            .add("key", DataTypes.StringType, false)
            .add("target_json", DataTypes.StringType, false)
            .add("request_json", DataTypes.StringType, false);

    /** Rows out: one per request. */
    static final StructType RESULTS = new StructType()
            .add("key", DataTypes.StringType, false)
            .add("backend", DataTypes.StringType, false)
            .add("result_status", DataTypes.StringType, false)
            .add("predicted_ns", DataTypes.LongType, true)
            .add("result_reason", DataTypes.StringType, false);

    private RequestSimulator() {
    }

    static Iterator<Row> simulate(Iterator<Row> rows, JobSettings settings) {
        Map<String, Map<String, String>> byTarget = new LinkedHashMap<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            byTarget.computeIfAbsent(r.getString(1), t -> new LinkedHashMap<>()).put(r.getString(0), r.getString(2));
        }
        if (byTarget.isEmpty()) {
            return List.<Row>of().iterator();
        }
        SimulatorBackend backend = ExecutorPlugins.registry(settings)
                .require(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, settings.backend());
        List<Row> out = new ArrayList<>();
        Path work = null;
        try {
            work = Files.createTempDirectory("flowsim-spark-simulate-");
            Options options = settings.extensionOptions().with("output-dir", work.toString());
            RunContext context = RunContext.of(options, Reporter.silent(), work);
            for (Map.Entry<String, Map<String, String>> group : byTarget.entrySet()) {
                simulate(backend, RequestCodec.target(group.getKey()), group.getValue(), context, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the backend", e);
        } finally {
            if (work != null) {
                work.toFile().delete();
            }
        }
        return out.iterator();
    }

    private static void simulate(SimulatorBackend backend, HardwareTarget target, Map<String, String> requests,
                                 RunContext context, List<Row> out) {
        List<String> keys = new ArrayList<>(requests.keySet());
        List<SimulationRequest> batch = new ArrayList<>(keys.size());
        for (String json : requests.values()) {
            batch.add(RequestCodec.request(json));
        }
        List<SimulationResult> results;
        try {
            results = backend.simulate(batch, target, context);
            if (results == null || results.size() != batch.size()) {
                throw new IllegalStateException("backend " + backend.name() + " returned "
                        + (results == null ? "no" : results.size()) + " results for " + batch.size() + " requests");
            }
        } catch (FlowsimException | IllegalStateException e) {
            String reason = "backend " + backend.name() + " failed on " + target.name() + ": " + e.getMessage();
            for (String key : keys) {
                out.add(RowFactory.create(key, backend.name(), "failed", null, reason.replace('\n', ' ')));
            }
            return;
        }
        for (int i = 0; i < keys.size(); i++) {
            SimulationResult r = results.get(i);
            Long predicted = r == null || r.predictedNs().isEmpty() ? null : r.predictedNs().getAsLong();
            out.add(RowFactory.create(keys.get(i), backend.name(),
                    r == null ? "failed" : r.status().name().toLowerCase(Locale.ROOT), predicted,
                    r == null ? "the backend returned no result" : r.reason()));
        }
    }
}
