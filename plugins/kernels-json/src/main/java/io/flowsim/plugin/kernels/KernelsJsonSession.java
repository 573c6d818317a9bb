package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One run's resolver: exact name first, then the launching operator. */
final class KernelsJsonSession implements ResolverSession {

    private final String resolverName;
    private final KernelDatabase database;

    KernelsJsonSession(String resolverName, KernelDatabase database) {
        this.resolverName = resolverName;
        this.database = database;
    }

    @Override
    public Optional<ResolvedKernel> resolve(KernelRecord kernel) {
        KernelDatabase.Entry entry = database.byName(kernel.name());
        ResolutionSource source = ResolutionSource.EXACT_NAME;
        if (entry == null && kernel.operator().isPresent()) {
            entry = database.byImplementation(kernel.operator().get().name());
            source = ResolutionSource.OPERATOR;
        }
        if (entry == null) {
            return Optional.empty();
        }
        List<Parameter> parameters = new ArrayList<>();
        for (JsonNode p : entry.params()) {
            parameters.add(new Parameter(p.path("role").asText(""), p.path("description").asText("")));
        }
        return Optional.of(new ResolvedKernel(kernel, OperationFamily.OTHER, entry.opMapping(), entry.operation(),
                entry.sourceCode(), parameters, List.of(), new Resolution(source, resolverName, entry.reference()),
                Map.of()));
    }
}
