"""Summarise a PyTorch-profiler (Kineto) Chrome trace: event counts by category, kernel counts,
launch APIs, External-id linking, top kernels by GPU time. Standard library only.

Usage: python3 trace_stats.py TRACE.json[.gz] [...]
"""

import collections
import gzip
import json
import sys

LAUNCH_CATS = ("cuda_runtime", "cuda_driver")


def load_trace(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def summarize(trace, top=20):
    if isinstance(trace, list):
        # legacy (non-Kineto) profiler builds, e.g. Debian's CPU-only torch 1.13, export a bare list
        trace = {"traceEvents": trace}
    events = trace.get("traceEvents", [])
    by_cat = collections.Counter()
    by_phase = collections.Counter()
    kernel_names = collections.Counter()
    kernel_time_us = collections.Counter()
    launch_names = collections.Counter()
    streams = collections.Counter()
    cpu_op_ext = set()
    cpu_ops = 0
    cpu_ops_with_dims = 0
    user_annotations = collections.Counter()
    kernels = []
    runtime_by_corr = {}
    runtime_ext_eq_corr = 0
    runtime_with_both = 0
    gpu_memcpy = collections.Counter()
    for ev in events:
        ph = ev.get("ph")
        by_phase[ph] += 1
        cat = ev.get("cat")
        if cat is None:
            continue
        by_cat[cat] += 1
        args = ev.get("args") or {}
        if cat == "kernel":
            kernels.append(ev)
            name = ev.get("name", "")
            kernel_names[name] += 1
            kernel_time_us[name] += float(ev.get("dur", 0) or 0)
            streams[ev.get("tid")] += 1
        elif cat == "cpu_op":
            cpu_ops += 1
            if "Input Dims" in args:
                cpu_ops_with_dims += 1
            if "External id" in args:
                cpu_op_ext.add(args["External id"])
        elif cat == "user_annotation":
            user_annotations[ev.get("name", "")] += 1
            if "External id" in args:
                cpu_op_ext.add(args["External id"])
        elif cat in LAUNCH_CATS:
            launch_names[ev.get("name", "")] += 1
            if "correlation" in args:
                runtime_by_corr[args["correlation"]] = ev
                if "External id" in args:
                    runtime_with_both += 1
                    if args["External id"] == args["correlation"]:
                        runtime_ext_eq_corr += 1
        elif cat in ("gpu_memcpy", "gpu_memset"):
            gpu_memcpy[ev.get("name", "")] += 1
    k_linked_launch = 0
    k_with_ext = 0
    k_ext_to_op = 0
    launch_api_of_kernels = collections.Counter()
    for k in kernels:
        args = k.get("args") or {}
        corr = args.get("correlation")
        if corr is not None and corr in runtime_by_corr:
            k_linked_launch += 1
            launch_api_of_kernels[runtime_by_corr[corr].get("name", "")] += 1
        if "External id" in args:
            k_with_ext += 1
            if args["External id"] in cpu_op_ext and args["External id"] != corr:
                k_ext_to_op += 1
    if runtime_with_both and runtime_ext_eq_corr >= 0.95 * runtime_with_both:
        dialect = "OLD (External id == correlation)"
    else:
        dialect = "NEW (External id = launching op)"
    ts_sample = next((e.get("ts") for e in events if e.get("cat") == "kernel"), None)
    dev = trace.get("deviceProperties")
    total_kernel_us = sum(kernel_time_us.values())
    return {
        "top_level_keys": list(trace.keys()),
        "has_baseTimeNanoseconds": "baseTimeNanoseconds" in trace,
        "baseTimeNanoseconds": trace.get("baseTimeNanoseconds"),
        "deviceProperties_names": [d.get("name") for d in dev] if isinstance(dev, list) else None,
        "numSms": [d.get("numSms") for d in dev] if isinstance(dev, list) else None,
        "metadata": {k: trace[k] for k in ("schemaVersion", "cupti_version", "cuda_runtime_version",
                                           "cuda_driver_version", "record_shapes", "with_stack",
                                           "displayTimeUnit") if k in trace},
        "events_total": len(events),
        "events_by_phase": dict(by_phase.most_common()),
        "events_by_category": dict(by_cat.most_common()),
        "kernels": len(kernels),
        "distinct_kernel_names": len(kernel_names),
        "kernel_time_total_us": round(total_kernel_us, 3),
        "kernel_streams": {str(k): v for k, v in streams.most_common()},
        "cpu_ops": cpu_ops,
        "cpu_ops_with_input_dims": cpu_ops_with_dims,
        "user_annotations": dict(user_annotations.most_common()),
        "launch_events_by_name": dict(launch_names.most_common()),
        "kernels_linked_to_launch_by_correlation": k_linked_launch,
        "kernels_by_launch_api": dict(launch_api_of_kernels.most_common()),
        "kernels_with_external_id": k_with_ext,
        "kernels_external_id_resolving_to_cpu_op": k_ext_to_op,
        "runtime_events_with_external_id_and_correlation": runtime_with_both,
        "runtime_events_external_id_equal_correlation": runtime_ext_eq_corr,
        "external_id_dialect": dialect,
        "gpu_memcpy_memset": dict(gpu_memcpy.most_common()),
        "kernel_ts_sample": ts_sample,
        "top_kernels_by_time": [
            {"name": n, "count": kernel_names[n], "total_us": round(t, 3)}
            for n, t in kernel_time_us.most_common(top)],
        "kernel_names_by_count": [
            {"name": n, "count": c} for n, c in kernel_names.most_common()],
    }


def main(argv):
    for path in argv[1:]:
        s = summarize(load_trace(path))
        s.pop("kernel_names_by_count")
        print("==", path)
        print(json.dumps(s, indent=1))


if __name__ == "__main__":
    main(sys.argv)
