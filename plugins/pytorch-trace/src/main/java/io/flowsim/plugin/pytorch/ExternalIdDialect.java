package io.flowsim.plugin.pytorch;

/**
 * What the {@code External id} of runtime and GPU events means in a trace (trace-format.md §8.2),
 * decided once per file from the events that carry both ids.
 */
enum ExternalIdDialect {
    /**
     * PyTorch &ge; 2.4: the launching operator's External id (events without an operator carry
     * none, or, before late 2024, their own correlation id). Used to link, after validation.
     */
    NEW("kineto-new-external-id"),
    /**
     * PyTorch &le; 2.3: the event's own correlation id, useless for linking (it may even equal an
     * unrelated operator's External id). Ignored; operators are found by nesting.
     */
    OLD("kineto-old-external-id"),
    /** No runtime or GPU event carries an External id: operators are found by nesting. */
    ABSENT("kineto-no-external-id");

    /** At least this share of events with both ids having them equal marks the old semantics. */
    static final double OLD_THRESHOLD = 0.95;

    private final String id;

    ExternalIdDialect(String id) {
        this.id = id;
    }

    /** The value reported as {@code TraceMetadata.DIALECT}. */
    String id() {
        return id;
    }

    static ExternalIdDialect detect(long eventsWithBothIds, long eventsWithEqualIds, long eventsWithExternalId) {
        if (eventsWithBothIds == 0) {
            return eventsWithExternalId > 0 ? NEW : ABSENT;
        }
        return eventsWithEqualIds >= OLD_THRESHOLD * eventsWithBothIds ? OLD : NEW;
    }
}
