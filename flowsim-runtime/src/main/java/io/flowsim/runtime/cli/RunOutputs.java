package io.flowsim.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.runtime.pipeline.RunJson;
import io.flowsim.runtime.pipeline.RuntimeJson;
import io.flowsim.runtime.pipeline.TraceRun;

import java.io.PrintStream;

/** Prints a run's summary as text or as one JSON document. */
final class RunOutputs {

    private RunOutputs() {
    }

    static void print(PrintStream out, TraceRun.Outcome outcome, String command, boolean json) {
        if (json) {
            out.println(RunJson.text(command, outcome.report()));
            out.flush();
        } else {
            RunPrinter.print(out, outcome);
        }
    }

    /** One JSON document on standard output. */
    static void printJson(PrintStream out, JsonNode document) {
        try {
            out.println(RuntimeJson.MAPPER.writeValueAsString(document));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new FlowsimException(ErrorCode.INTERNAL, "cannot print the summary as JSON: " + e.getMessage(), e);
        }
    }
}
