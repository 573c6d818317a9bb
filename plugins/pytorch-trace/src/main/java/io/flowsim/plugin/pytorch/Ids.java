package io.flowsim.plugin.pytorch;

/** The sentinel for an absent correlation or External id in the compact records. */
final class Ids {

    static final long NONE = Long.MIN_VALUE;

    private Ids() {
    }

    static boolean present(long id) {
        return id != NONE;
    }
}
