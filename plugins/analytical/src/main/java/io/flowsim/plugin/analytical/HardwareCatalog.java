package io.flowsim.plugin.analytical;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.HardwareTarget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hardware profiles of one run: the bundled ones, then the user's {@code --hardware} files in
 * order (a user profile with the id of an earlier one replaces it). Finds the profile for a GPU name
 * robustly: case, an {@code NVIDIA} prefix, punctuation and memory variants do not matter
 * ({@code NVIDIA H100 80GB HBM3}, {@code h100}, {@code H100-SXM5-80GB} all find {@code h100-sxm}); the
 * trace's SM count separates variants that share a name, and its memory picks the variant of a name sold in two
 * memory sizes ({@code NVIDIA H20} with 141 GB is {@code h20-3e}). Immutable.
 */
final class HardwareCatalog {

    private final Map<String, ProfileFiles.Loaded> byId;
    /** Targets already matched: name matching runs regexes over every profile's names. */
    private final Map<HardwareTarget, Match> resolved = new java.util.concurrent.ConcurrentHashMap<>();

    private HardwareCatalog(Map<String, ProfileFiles.Loaded> byId) {
        this.byId = byId;
    }

    static HardwareCatalog of(List<ProfileFiles.Loaded> bundled, List<Path> userFiles) {
        Map<String, ProfileFiles.Loaded> byId = new LinkedHashMap<>();
        for (ProfileFiles.Loaded l : bundled) {
            byId.put(l.profile().id(), l);
        }
        for (Path file : userFiles) {
            ProfileFiles.Loaded l = ProfileFiles.read(file, id -> {
                ProfileFiles.Loaded known = byId.get(id);
                return known == null ? null : known.profile();
            });
            byId.remove(l.profile().id());
            byId.put(l.profile().id(), l);
        }
        return new HardwareCatalog(byId);
    }

    Optional<ProfileFiles.Loaded> entry(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The profile for a target.
     *
     * @throws FlowsimException {@link io.flowsim.api.ErrorCode#USAGE} naming the known profiles and how
     *                          to add one, when no profile (or more than one) answers to the name
     */
    HardwareProfile resolve(HardwareTarget target) {
        return match(target).profile();
    }

    /**
     * The profile for a target and, when the match is not exact, a warning naming both the GPU and
     * the profile.
     */
    Match match(HardwareTarget target) {
        return resolved.computeIfAbsent(target, this::find);
    }

    /** A resolved target: the profile, and a warning (empty when the match is exact). */
    record Match(HardwareProfile profile, String warning) {
    }

    private Match find(HardwareTarget target) {
        String wanted = normalize(target.name());
        Set<String> wantedTokens = tokens(wanted);
        List<ProfileFiles.Loaded> candidates = new ArrayList<>();
        for (ProfileFiles.Loaded l : byId.values()) {
            for (String key : keys(l.profile())) {
                if (normalize(key).equals(wanted)) {
                    candidates.add(l);
                    break;
                }
            }
        }
        boolean exact = !candidates.isEmpty();
        if (candidates.isEmpty()) {
            int bestScore = 0;
            for (ProfileFiles.Loaded l : byId.values()) {
                int score = 0;
                for (String key : keys(l.profile())) {
                    Set<String> keyTokens = tokens(normalize(key));
                    if (!keyTokens.isEmpty() && wantedTokens.containsAll(keyTokens)) {
                        score = Math.max(score, keyTokens.size());
                    } else if (!wantedTokens.isEmpty() && keyTokens.containsAll(wantedTokens)) {
                        score = Math.max(score, wantedTokens.size());
                    }
                }
                if (score > bestScore) {
                    bestScore = score;
                    candidates.clear();
                }
                if (score > 0 && score == bestScore) {
                    candidates.add(l);
                }
            }
        }
        Optional<DeviceInfo> device = target.traceDevice().filter(d -> target.isTraceDevice() && d.smCount() > 0);
        if (device.isPresent() && !candidates.isEmpty()) {
            int sms = device.get().smCount();
            List<ProfileFiles.Loaded> sameSms = candidates.stream().filter(l -> l.profile().smCount() == sms).toList();
            if (sameSms.isEmpty()) {
                throw FlowsimException.usage("the trace's GPU '" + target.name() + "' (" + sms + " SMs) matches the"
                        + " analytical profile" + (candidates.size() > 1 ? "s " : " ") + ids(candidates)
                        + " by name, but " + (candidates.size() > 1 ? "they have " : "it has ")
                        + candidates.get(0).profile().smCount() + " SMs; add a profile for this GPU with"
                        + " --hardware FILE (docs/hardware-profiles.md), or pick one with --gpu");
            }
            candidates = sameSms;
        }
        if (device.isPresent() && candidates.size() > 1 && device.get().totalMemoryBytes() > 0) {
            double gib = device.get().totalMemoryBytes() / (double) (1L << 30);
            List<ProfileFiles.Loaded> sameMemory = candidates.stream()
                    .filter(l -> sameMemory(l.profile(), gib)).toList();
            if (!sameMemory.isEmpty()) {
                candidates = sameMemory;
            }
        }
        if (exact && candidates.size() == 1 && device.isPresent() && device.get().totalMemoryBytes() > 0) {
            Optional<ProfileFiles.Loaded> variant = memoryVariant(candidates.get(0), wantedTokens, device.get());
            if (variant.isPresent()) {
                candidates = List.of(variant.get());
            }
        }
        if (candidates.size() == 1) {
            HardwareProfile p = candidates.get(0).profile();
            String warning = "";
            if (!exact) {
                warning = "the GPU '" + target.name() + "' has no profile of its own; simulating it as " + p.id()
                        + " (" + p.name() + "), the closest by name" + (device.isPresent() ? " and SM count" : "")
                        + "; name the GPU with --gpu or add its profile with --hardware FILE to be exact";
            } else if (device.isPresent() && device.get().totalMemoryBytes() > 0 && p.memoryGib() > 0
                    && !sameMemory(p, device.get().totalMemoryBytes() / (double) (1L << 30))) {
                warning = String.format(Locale.ROOT, "the trace's GPU '%s' has %.1f GiB of memory, its profile %s (%s)"
                        + " %.0f GiB: simulating it as %s anyway; add a profile with --hardware FILE to be exact",
                        target.name(), device.get().totalMemoryBytes() / (double) (1L << 30), p.id(), p.name(),
                        p.memoryGib(), p.id());
            }
            return new Match(p, warning);
        }
        if (candidates.size() > 1) {
            throw FlowsimException.usage("the GPU name '" + target.name() + "' matches several analytical profiles ("
                    + ids(candidates) + "); name one exactly with --gpu");
        }
        throw FlowsimException.usage("the analytical backend has no hardware profile for '" + target.name() + "'"
                + nearest(target.name()).map(id -> " (did you mean " + id + "?)").orElse("")
                // the first sentence stands alone: validate's "Tables skipped" keeps only it
                + ": add one with --hardware FILE, see docs/hardware-profiles.md. Known profiles (each also"
                + " answers to its aliases): " + describeAll() + ". Or simulate a known GPU with --gpu");
    }

    /**
     * The profile of a variant the trace's GPU is, when it reports the name of one profile but the memory of
     * another: a GPU sold in two memory sizes under one device name (a 141 GB H20 reporting {@code NVIDIA H20}, the
     * 96 GB part's name, where the drivers seen name it {@code NVIDIA H20-3e}). The variant answers to the recorded
     * name plus more words
     * ({@code H20 141GB}), has the trace's SM count and its memory; the one such profile, else none (the name's
     * own profile then runs with the memory warning).
     */
    private Optional<ProfileFiles.Loaded> memoryVariant(ProfileFiles.Loaded named, Set<String> wantedTokens,
            DeviceInfo device) {
        double gib = device.totalMemoryBytes() / (double) (1L << 30);
        if (wantedTokens.isEmpty() || sameMemory(named.profile(), gib)) {
            return Optional.empty();
        }
        List<ProfileFiles.Loaded> variants = new ArrayList<>();
        for (ProfileFiles.Loaded l : byId.values()) {
            HardwareProfile p = l.profile();
            if (l == named || p.smCount() != device.smCount() || p.memoryGib() <= 0 || !sameMemory(p, gib)) {
                continue;
            }
            for (String key : keys(p)) {
                Set<String> keyTokens = tokens(normalize(key));
                if (keyTokens.size() > wantedTokens.size() && keyTokens.containsAll(wantedTokens)) {
                    variants.add(l);
                    break;
                }
            }
        }
        return variants.size() == 1 ? Optional.of(variants.get(0)) : Optional.empty();
    }

    /** Memory sizes within 8 %: a device reports a little less than the marketing size (40 GB: 39.4 GiB). */
    private static boolean sameMemory(HardwareProfile p, double gib) {
        return p.memoryGib() <= 0 || Math.abs(gib - p.memoryGib()) <= 0.08 * p.memoryGib();
    }

    String describeAll() {
        List<String> parts = new ArrayList<>();
        for (ProfileFiles.Loaded l : byId.values()) {
            HardwareProfile p = l.profile();
            parts.add(p.id() + " (" + p.name() + ")");
        }
        return String.join("; ", parts);
    }

    /**
     * The id of the profile with a name, id or alias nearest to {@code name} (fewest single-character edits
     * after {@link #normalize}; the first in catalog order on a tie), when it is near enough to be a typo:
     * at most two edits, or a third of the name's length for longer names.
     */
    Optional<String> nearest(String name) {
        String wanted = normalize(name);
        String best = null;
        int bestDistance = Math.max(2, wanted.length() / 3) + 1;
        for (ProfileFiles.Loaded l : byId.values()) {
            for (String key : keys(l.profile())) {
                int d = editDistance(wanted, normalize(key));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = l.profile().id();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions turning {@code a} into {@code b}. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String ids(List<ProfileFiles.Loaded> list) {
        return String.join(", ", list.stream().map(l -> l.profile().id()).toList());
    }

    private static List<String> keys(HardwareProfile p) {
        List<String> keys = new ArrayList<>();
        keys.add(p.id());
        keys.add(p.name());
        keys.addAll(p.aliases());
        return keys;
    }

    private static final Pattern PUNCTUATION = Pattern.compile("[^a-z0-9]+");
    /** {@code NVIDIA}, and the {@code Tesla} brand older data-center GPUs report ({@code Tesla V100-SXM2-16GB}). */
    private static final Pattern VENDOR = Pattern.compile("^(nvidia\\s+)?(tesla\\s+)?");
    private static final Pattern SUFFIX = Pattern.compile("\\s+tensor core gpu$");

    /**
     * Lower case, without an {@code NVIDIA} or {@code Tesla} prefix and punctuation: {@code NVIDIA A100-SXM4-80GB} ->
     * {@code a100 sxm4 80gb}, {@code Tesla T4} -> {@code t4}.
     */
    static String normalize(String name) {
        String s = PUNCTUATION.matcher(name.toLowerCase(Locale.ROOT)).replaceAll(" ").trim();
        s = VENDOR.matcher(s).replaceAll("");
        return SUFFIX.matcher(s).replaceAll("").trim();
    }

    private static Set<String> tokens(String normalized) {
        return normalized.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(normalized.split(" ")));
    }
}
