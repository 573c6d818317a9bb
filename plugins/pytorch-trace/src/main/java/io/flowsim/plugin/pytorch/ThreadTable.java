package io.flowsim.plugin.pytorch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers the (pid, tid) pairs of a trace. A pid or tid is a {@link Long} or, in the traces that
 * write them so ({@code "Spans"}, {@code ""}, integers beyond 64 bits), a {@link String}.
 */
final class ThreadTable {

    private final Map<ThreadKey, Integer> ids = new HashMap<>();
    private final List<ThreadKey> keys = new ArrayList<>();
    private ThreadKey lastKey;
    private int lastId = -1;

    int id(Object pid, Object tid) {
        ThreadKey key = new ThreadKey(pid, tid);
        if (key.equals(lastKey)) {
            return lastId;
        }
        Integer id = ids.get(key);
        if (id == null) {
            id = keys.size();
            ids.put(key, id);
            keys.add(key);
        }
        lastKey = key;
        lastId = id;
        return id;
    }

    Object pid(int thread) {
        return keys.get(thread).pid();
    }

    Object tid(int thread) {
        return keys.get(thread).tid();
    }

    int size() {
        return keys.size();
    }

    /** {@code "7787/9301"}. */
    String describe(int thread) {
        ThreadKey k = keys.get(thread);
        return k.pid() + "/" + k.tid();
    }

    private record ThreadKey(Object pid, Object tid) {
    }
}
