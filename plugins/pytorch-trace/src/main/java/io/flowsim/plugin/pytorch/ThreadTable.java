package io.flowsim.plugin.pytorch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers the (pid, tid) pairs of a trace. A pid or tid is an integer or, in the traces that write
 * them so ({@code "Spans"}, {@code ""}, integers beyond 64 bits), a string; both are kept as
 * objects ({@link Long} or {@link String}) in the table, with a fast path for integers.
 */
final class ThreadTable {

    private final Map<Object, Integer> ids = new HashMap<>();
    private final List<Object> pids = new ArrayList<>();
    private long lastPid;
    private long lastTid;
    private int lastId = -1;

    /** The id of an integer (pid, tid). */
    int id(long pid, long tid) {
        if (lastId >= 0 && pid == lastPid && tid == lastTid) {
            return lastId;
        }
        int id = id(new LongPair(pid, tid), pid, tid);
        lastPid = pid;
        lastTid = tid;
        lastId = id;
        return id;
    }

    /** The id of a (pid, tid) of which at least one is not an integer ({@link Long}, {@link String} or null). */
    int id(Object pid, Object tid) {
        if (pid instanceof Long p && tid instanceof Long t) {
            return id(p.longValue(), t.longValue());
        }
        return id(new ObjectPair(pid, tid), pid, tid);
    }

    private int id(Object key, Object pid, Object tid) {
        Integer id = ids.get(key);
        if (id == null) {
            id = pids.size();
            ids.put(key, id);
            pids.add(pid);
        }
        return id;
    }

    Object pid(int thread) {
        return pids.get(thread);
    }

    int size() {
        return pids.size();
    }

    /**
     * Written out rather than generated: a record's generated equals and hashCode are bootstrapped
     * through method handles on first use, a cost every cold run paid (docs/performance.md).
     */
    private record LongPair(long pid, long tid) {
        @Override
        public boolean equals(Object o) {
            return o instanceof LongPair p && p.pid == pid && p.tid == tid;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(pid) * 31 + Long.hashCode(tid);
        }
    }

    private record ObjectPair(Object pid, Object tid) {
    }
}
