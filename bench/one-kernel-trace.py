#!/usr/bin/env python3
"""Write a one-kernel trace cut from a real PyTorch-profiler trace (for bench/cold-start.sh).

Keeps the trace's top-level fields, its first GPU kernel, the runtime call that launched it
(same correlation id), their flow events, and the CPU ops and annotations on the launching
thread that enclose the launch. Nothing is invented: every event is copied from the input.

usage: one-kernel-trace.py IN.json[.gz] OUT.json.gz
"""
import gzip
import json
import sys


def main(src, dst):
    opener = gzip.open if src.endswith(".gz") else open
    with opener(src, "rt") as f:
        trace = json.load(f)
    events = trace.get("traceEvents", [])
    kernel = next(e for e in events if e.get("cat") == "kernel")
    corr = kernel.get("args", {}).get("correlation")
    launch = next(e for e in events if e.get("cat") in ("cuda_runtime", "cuda_driver")
                  and e.get("args", {}).get("correlation") == corr)
    t = launch["ts"]
    keep = []
    for e in events:
        if e is kernel or e is launch:
            keep.append(e)
        elif e.get("ph") in ("s", "f") and e.get("id") == corr:
            keep.append(e)
        elif e.get("ph") == "M":
            keep.append(e)
        elif (e.get("cat") in ("cpu_op", "user_annotation") and e.get("ph") == "X"
              and e.get("pid") == launch.get("pid") and e.get("tid") == launch.get("tid")
              and e["ts"] <= t <= e["ts"] + e.get("dur", 0)):
            keep.append(e)
    trace["traceEvents"] = keep
    with gzip.open(dst, "wt") as f:
        json.dump(trace, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    main(sys.argv[1], sys.argv[2])
