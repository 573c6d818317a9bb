package io.flowsim.plugin.kernels;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.ResolutionSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The merged view of every database of a run, in precedence order. Databases are loaded in order
 * (the bundled one first, then each {@code --kernels FILE}); a later database overrides an earlier
 * one: its exact names replace theirs, its patterns are tried first, and its operator entries come
 * first. Immutable, so safe to share between threads.
 */
final class KernelDatabase {

    /** The bundled database, as a class-path resource next to this class. */
    static final String BUNDLED_RESOURCE = "kernels.json";
    /** The origin name of the bundled database in references and messages. */
    static final String BUNDLED_ORIGIN = "bundled:kernels.json";
    /** The user's databases, in load order ({@code --kernels FILE}); repeatable. */
    static final ExtensionOption<Path> KERNELS = ExtensionOption.path("kernels-json.kernels",
                    "A kernels.json database to load after the bundled one; later files win")
            .repeatable().paramLabel("FILE").alias("--kernels");
    /** Whether the bundled database loads ({@code -O bundled-kernels=false} switches it off). */
    static final ExtensionOption<Boolean> BUNDLED = ExtensionOption.bool("kernels-json.bundled",
            "Load the bundled kernels.json database first").withDefault(true).alias("--bundled-kernels");

    private final Map<String, KernelEntry> exact;
    private final List<KernelEntry> namePatterns;
    private final Map<String, List<KernelEntry>> byImplementation;
    private final List<KernelEntry> operatorPatterns;
    private final List<String> origins;
    /** Rules name and operator patterns out before they run (a trace may hold a million distinct names). */
    private final PatternPrefilter namePrefilter;
    private final PatternPrefilter operatorPrefilter;

    private KernelDatabase(Map<String, KernelEntry> exact, List<KernelEntry> namePatterns,
                           Map<String, List<KernelEntry>> byImplementation, List<KernelEntry> operatorPatterns,
                           List<String> origins) {
        this.exact = exact;
        this.namePatterns = namePatterns;
        this.byImplementation = byImplementation;
        this.operatorPatterns = operatorPatterns;
        this.origins = origins;
        this.namePrefilter = PatternPrefilter.of(namePatterns.stream().map(e -> e.namePattern().orElseThrow()).toList());
        this.operatorPrefilter = PatternPrefilter.of(operatorPatterns.stream()
                .map(e -> e.operatorPattern().orElseThrow()).toList());
    }

    /** A kernel-name match: the entry and the rule that matched. */
    record NameMatch(KernelEntry entry, ResolutionSource source) {
    }

    /**
     * Merges validated databases given in load order (lowest precedence first).
     */
    static KernelDatabase of(List<KernelDatabaseReader.Result> databases) {
        Map<String, KernelEntry> exact = new HashMap<>();
        List<KernelEntry> namePatterns = new ArrayList<>();
        Map<String, List<KernelEntry>> byImplementation = new HashMap<>();
        List<KernelEntry> operatorPatterns = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (KernelDatabaseReader.Result db : databases) {
            origins.add(db.origin());
            List<KernelEntry> patterns = new ArrayList<>();
            List<KernelEntry> opPatterns = new ArrayList<>();
            Map<String, List<KernelEntry>> impl = new HashMap<>();
            for (KernelEntry e : db.entries()) {
                if (!e.kernelName().isEmpty()) {
                    exact.put(e.kernelName(), e);
                }
                e.namePattern().ifPresent(p -> patterns.add(e));
                e.operatorPattern().ifPresent(p -> opPatterns.add(e));
                if (!e.implementation().isEmpty() && !isGenericLauncher(e.implementation())) {
                    impl.computeIfAbsent(e.implementation(), k -> new ArrayList<>()).add(e);
                }
            }
            namePatterns.addAll(0, patterns);
            operatorPatterns.addAll(0, opPatterns);
            impl.forEach((key, list) -> {
                // Within one database an operator-only entry is the operator's own description and comes
                // first; entries that also name kernels follow, last one first (the original's
                // last-duplicate-wins rule).
                List<KernelEntry> ordered = new ArrayList<>();
                list.stream().filter(e -> !e.matchesKernelNames()).forEach(ordered::add);
                List<KernelEntry> named = new ArrayList<>(list.stream().filter(KernelEntry::matchesKernelNames).toList());
                Collections.reverse(named);
                ordered.addAll(named);
                byImplementation.computeIfAbsent(key, k -> new ArrayList<>()).addAll(0, ordered);
            });
        }
        byImplementation.replaceAll((key, list) -> List.copyOf(list));
        return new KernelDatabase(Map.copyOf(exact), List.copyOf(namePatterns), Map.copyOf(byImplementation),
                List.copyOf(operatorPatterns), List.copyOf(origins));
    }

    /**
     * Whether an implementation frame names a generic launcher rather than an operator (Triton's
     * {@code <built-in function launch>}, the CUDA driver's {@code cuLaunchKernel*}); such frames
     * say nothing about the kernel and are never matched, as in the original FlowSim.
     */
    static boolean isGenericLauncher(String frame) {
        return frame.contains("<built-in function launch>") || frame.contains("cuLaunchKernel")
                || frame.contains("cudaLaunchKernel");
    }

    /**
     * The entry for a kernel name: exact name first, then the first matching pattern. Only the
     * patterns the prefilter leaves run, in their order, so the first match is the same as trying all.
     */
    Optional<NameMatch> byKernelName(String name) {
        KernelEntry e = exact.get(name);
        if (e != null) {
            return Optional.of(new NameMatch(e, ResolutionSource.EXACT_NAME));
        }
        BitSet candidates = namePrefilter.candidates(name);
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            KernelEntry p = namePatterns.get(i);
            if (RegexBudget.find(p.namePattern().orElseThrow(), name, p.reference() + " name_pattern")) {
                return Optional.of(new NameMatch(p, ResolutionSource.NAME_PATTERN));
            }
        }
        return Optional.empty();
    }

    /**
     * Every entry describing an operator, most specific first: exact {@code kernel_implementation}
     * matches (later databases first), then {@code operator_pattern} matches.
     */
    List<KernelEntry> byOperator(String operator) {
        if (operator.isEmpty() || isGenericLauncher(operator)) {
            return List.of();
        }
        Set<KernelEntry> out = new LinkedHashSet<>(byImplementation.getOrDefault(operator, List.of()));
        BitSet candidates = operatorPrefilter.candidates(operator);
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            KernelEntry p = operatorPatterns.get(i);
            if (RegexBudget.find(p.operatorPattern().orElseThrow(), operator, p.reference() + " operator_pattern")) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /** The name patterns in the order they are tried (later databases' first). */
    List<KernelEntry> namePatterns() {
        return namePatterns;
    }

    /** The operator patterns in the order they are tried (later databases' first). */
    List<KernelEntry> operatorPatterns() {
        return operatorPatterns;
    }

    /** The databases merged, in load order. */
    List<String> origins() {
        return origins;
    }

    /**
     * Loads the bundled database (unless {@code bundled-kernels=false}) and every {@code kernels}
     * option value, in order.
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the file, entry and field of the
     *                          first problem when a user database is missing or invalid
     */
    static KernelDatabase load(RunContext context) {
        List<KernelDatabaseReader.Result> results = new ArrayList<>();
        if (context.options().get(BUNDLED)) {
            results.add(readBundled());
        }
        for (Path file : context.options().getAll(KERNELS)) {
            KernelDatabaseReader.Result r = readFile(file);
            if (!r.problems().isEmpty()) {
                int more = r.problems().size() - 1;
                throw FlowsimException.badInput(r.problems().get(0) + (more > 0 ? " (and " + more + " more problem"
                        + (more == 1 ? "" : "s") + "; run 'flowsim kernels check " + file + "' to list them)" : ""));
            }
            results.add(r);
        }
        return of(results);
    }

    /** Reads the bundled database; a broken one is a bug in FlowSim. */
    static KernelDatabaseReader.Result readBundled() {
        try (InputStream in = KernelDatabase.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new FlowsimException(ErrorCode.INTERNAL, "the bundled kernels.json is missing from the "
                        + "kernels-json plugin");
            }
            KernelDatabaseReader.Result r = KernelDatabaseReader.read(BUNDLED_ORIGIN, in);
            if (!r.problems().isEmpty()) {
                throw new FlowsimException(ErrorCode.INTERNAL, "the bundled kernels.json is invalid: "
                        + r.problems().get(0));
            }
            return r;
        } catch (IOException e) {
            throw new FlowsimException(ErrorCode.INTERNAL, "cannot read the bundled kernels.json: " + e.getMessage(), e);
        }
    }

    /** Reads one user database; a missing or unreadable file is reported as a problem. */
    static KernelDatabaseReader.Result readFile(Path file) {
        String origin = file.toString();
        if (!Files.exists(file)) {
            return new KernelDatabaseReader.Result(origin, List.of(), List.of(origin
                    + ": kernel database not found"));
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return new KernelDatabaseReader.Result(origin, List.of(), List.of(origin
                    + ": kernel database is not a readable file"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return KernelDatabaseReader.read(origin, in);
        } catch (IOException e) {
            return new KernelDatabaseReader.Result(origin, List.of(), List.of(origin + ": cannot read: "
                    + e.getMessage()));
        }
    }
}
