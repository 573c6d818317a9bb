package io.flowsim.plugin.kernels;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.Reporter;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One run's resolver. Precedence, first hit wins:
 * <ol>
 *   <li>an entry with the kernel's exact name ({@code EXACT_NAME});</li>
 *   <li>the first entry whose {@code name_pattern} is found in the name ({@code NAME_PATTERN});</li>
 *   <li>an entry for the launching operator: its name, else the call-stack frame after the launch
 *       API, against {@code kernel_implementation}, then {@code operator_pattern} ({@code OPERATOR});</li>
 *   <li>the built-in heuristic classes by name and category ({@code HEURISTIC}).</li>
 * </ol>
 * A name match is completed from the operator's entries of a compatible family (fields it leaves
 * empty are taken from them), and with {@code prefer_operator} those entries come first. Lookups
 * are memoized per kernel name and operator name, up to {@link #MEMO_LIMIT} names each (then the
 * memo starts again empty), so memory does not grow with distinct names. Used from one thread.
 */
final class KernelsJsonSession implements ResolverSession {

    /**
     * Names a memo holds before it is emptied: real traces repeat a few thousand names at most,
     * while a trace of a million distinct names would otherwise keep a million results.
     */
    static final int MEMO_LIMIT = 1 << 16;

    private final String resolverName;
    private final KernelDatabase database;
    private final Reporter reporter;
    private final Map<String, Optional<KernelDatabase.NameMatch>> nameMatches = new HashMap<>();
    private final Map<String, List<KernelEntry>> operatorMatches = new HashMap<>();
    private final Set<String> reportedProblems = new HashSet<>();

    private final AtomicOutput.Inputs protectedInputs;

    /** With the run's database files, protected from outputs until {@link #close()}. */
    KernelsJsonSession(String resolverName, KernelDatabase database, Reporter reporter,
                       AtomicOutput.Inputs protectedInputs) {
        this.resolverName = resolverName;
        this.database = database;
        this.reporter = reporter;
        this.protectedInputs = protectedInputs;
    }

    @Override
    public void close() {
        protectedInputs.close();
    }

    /** A matching entry and whether its operand positions refer to the kernel's linked operator. */
    private record Candidate(KernelEntry entry, boolean operandsApply) {
    }

    @Override
    public Optional<ResolvedKernel> resolve(KernelRecord kernel) {
        Optional<KernelDatabase.NameMatch> byName = memoized(nameMatches, kernel.name(), database::byKernelName);
        List<Candidate> operators = operatorCandidates(kernel);
        List<Candidate> chain = new ArrayList<>();
        ResolutionSource source;
        if (byName.isPresent()) {
            KernelEntry named = byName.get().entry();
            source = byName.get().source();
            OperationFamily family = familyOf(named, kernel.name());
            List<Candidate> compatible = operators.stream()
                    .filter(c -> compatible(family, familyOf(c.entry(), kernel.name()))).toList();
            Candidate self = new Candidate(named, operandsApply(named, kernel.operator()));
            if (named.preferOperator() && !compatible.isEmpty()) {
                chain.addAll(compatible);
                chain.add(self);
            } else {
                chain.add(self);
                chain.addAll(compatible);
            }
        } else if (!operators.isEmpty()) {
            source = ResolutionSource.OPERATOR;
            OperationFamily family = familyOf(operators.get(0).entry(), kernel.name());
            operators.stream().filter(c -> compatible(family, familyOf(c.entry(), kernel.name())))
                    .forEach(chain::add);
        } else {
            return heuristic(kernel);
        }
        return Optional.of(build(kernel, chain, source));
    }

    private List<Candidate> operatorCandidates(KernelRecord kernel) {
        List<Candidate> out = new ArrayList<>();
        String linked = kernel.operator().map(OperatorCall::name).orElse("");
        if (!linked.isEmpty()) {
            for (KernelEntry e : memoized(operatorMatches, linked, database::byOperator)) {
                out.add(new Candidate(e, true));
            }
        }
        String frame = implementationFrame(kernel);
        if (!frame.isEmpty() && !frame.equals(linked)) {
            for (KernelEntry e : memoized(operatorMatches, frame, database::byOperator)) {
                if (out.stream().noneMatch(c -> c.entry() == e)) {
                    out.add(new Candidate(e, false));
                }
            }
        }
        return out;
    }

    /** The memoized lookup of {@code key}, emptying the memo first when it is full. */
    private static <V> V memoized(Map<String, V> memo, String key, Function<String, V> lookup) {
        V value = memo.get(key);
        if (value == null) {
            if (memo.size() >= MEMO_LIMIT) {
                memo.clear();
            }
            value = lookup.apply(key);
            memo.put(key, value);
        }
        return value;
    }

    /** How many names the memos hold now (kernel names, operator names). */
    int memoSize() {
        return nameMatches.size() + operatorMatches.size();
    }

    /**
     * The call-stack frame right after the launch API (the original FlowSim's
     * {@code kernel_implementation}): the second frame, or the only one.
     */
    static String implementationFrame(KernelRecord kernel) {
        List<String> stack = kernel.callStack();
        if (stack.isEmpty()) {
            return "";
        }
        return (stack.size() > 1 ? stack.get(1) : stack.get(0)).trim();
    }

    /** Whether a name-matched entry's operand positions may be applied to the linked operator. */
    private static boolean operandsApply(KernelEntry entry, Optional<OperatorCall> operator) {
        if (operator.isEmpty()) {
            return false;
        }
        String name = operator.get().name();
        if (!entry.implementation().isEmpty() && !entry.implementation().equals(name)) {
            return false;
        }
        return entry.operatorPattern().map(p -> RegexBudget.find(p, name, entry.reference() + " operator_pattern"))
                .orElse(true);
    }

    /** The family an entry stands for: stated, else implied by its op mapping, else by the kernel name. */
    static OperationFamily familyOf(KernelEntry entry, String kernelName) {
        return entry.family()
                .or(() -> FamilyRules.familyOfOpMapping(entry.opMapping()))
                .or(() -> FamilyRules.byName(kernelName).map(FamilyRules.Rule::family))
                .orElse(OperationFamily.OTHER);
    }

    /** Same family, or GEMM and BMM (one library kernel serves both). */
    static boolean compatible(OperationFamily a, OperationFamily b) {
        if (a == b) {
            return true;
        }
        return (a == OperationFamily.GEMM || a == OperationFamily.BMM)
                && (b == OperationFamily.GEMM || b == OperationFamily.BMM);
    }

    private ResolvedKernel build(KernelRecord kernel, List<Candidate> chain, ResolutionSource source) {
        KernelEntry first = chain.get(0).entry();
        String opMapping = firstText(chain, KernelEntry::opMapping);
        OperationFamily family = first.family()
                .or(() -> FamilyRules.familyOfOpMapping(opMapping))
                .orElseGet(() -> familyOf(first, kernel.name()));
        String operation = firstText(chain, KernelEntry::operation);
        String sourceCode = firstText(chain, KernelEntry::sourceCode);
        List<Parameter> params = chain.stream().map(c -> c.entry().params()).filter(p -> !p.isEmpty())
                .findFirst().orElse(List.of());

        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = chain.size() - 1; i >= 0; i--) {
            Candidate c = chain.get(i);
            Optional<OperatorCall> operator = c.operandsApply() ? kernel.operator() : Optional.empty();
            c.entry().attributes().forEach((key, template) -> OperandMapper.attributeValue(template, operator,
                    kernel.name(), c.entry().namePattern()).ifPresent(value -> attributes.put(key, value)));
        }

        boolean recorded = kernel.operator().isPresent()
                && kernel.operator().get().inputs().stream().anyMatch(i -> shaped(i.dims()));
        if (!recorded) {
            // an entry's own explanation of why it maps no operands only holds where shapes were recorded
            attributes.remove(Attributes.OPERANDS_PROBLEM.name());
        }
        List<Operand> operands = List.of();
        Optional<Candidate> specs = chain.stream()
                .filter(c -> c.operandsApply() && !c.entry().operands().isEmpty()).findFirst();
        if (specs.isPresent() && kernel.operator().isPresent() && kernel.operator().get().hasShapes()) {
            KernelEntry holder = specs.get().entry();
            OperandMapper.Mapping m = OperandMapper.map(holder.operands(), kernel.operator().get(), family,
                    kernel.name(), holder.namePattern());
            if (m.problem().isPresent()) {
                if (reportedProblems.add(specs.get().entry().reference() + " " + m.problem().get())) {
                    reporter.debug("kernels-json: no operands for " + kernel.name() + " from "
                            + specs.get().entry().reference() + ": " + m.problem().get());
                }
                if (m.recorded()) {
                    // the operator recorded shapes that do not map: backends say why instead of "no shapes"
                    attributes.put(Attributes.OPERANDS_PROBLEM.name(), m.problem().get().replace(';', ','));
                }
            } else {
                operands = m.operands();
                family = m.family();
                m.attributes().forEach(attributes::putIfAbsent);
                if (params.isEmpty()) {
                    // an entry of every input ('*') cannot list its inputs; the mapping tells each one's part
                    params = m.parameters();
                }
            }
        }
        if (recorded && specs.isEmpty() && !attributes.containsKey(Attributes.OPERANDS_PROBLEM.name())
                && kernel.category() != KernelCategory.COMMUNICATION && family != OperationFamily.COLLECTIVE) {
            // the shapes are there, the database has no operand positions for them: not "no operand shapes"
            // (a collective's size comes from its own arguments, not from operands)
            attributes.put(Attributes.OPERANDS_PROBLEM.name(), "the kernel database maps none for "
                    + kernel.operator().get().name().replace(';', ','));
        }
        String reference = chain.stream().map(c -> c.entry().reference()).distinct()
                .collect(Collectors.joining(" + "));
        return new ResolvedKernel(kernel, family, opMapping, operation, sourceCode, params, operands,
                new Resolution(source, resolverName, reference), attributes);
    }

    /** Whether the profiler recorded a size: a tensor's shape, or one of a list's. */
    private static boolean shaped(Dims dims) {
        return dims instanceof Dims.TensorList list ? list.elements().stream().anyMatch(KernelsJsonSession::shaped)
                : !dims.isEmpty();
    }

    private static String firstText(List<Candidate> chain, Function<KernelEntry, String> field) {
        for (Candidate c : chain) {
            String v = field.apply(c.entry());
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    private Optional<ResolvedKernel> heuristic(KernelRecord kernel) {
        return FamilyRules.classify(kernel).map(rule -> new ResolvedKernel(kernel, rule.family(), "", "", "",
                List.of(), List.of(), new Resolution(ResolutionSource.HEURISTIC, resolverName,
                "heuristic: " + rule.label()), Map.of()));
    }
}
