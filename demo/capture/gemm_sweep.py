"""Measured bf16 GEMM latencies (torch.nn.functional.linear) and device-to-device copy bandwidth.

GEMM method (CUDA): for each (m, n, k) the input a[m, k] and `copies` weight tensors w[n, k]
(enough copies that the weights rotated through exceed 3x the L2 cache) are allocated; after
eager warm-up calls, `iters` calls F.linear(a, w[i % copies]) are captured into one CUDA graph
(no CPU launch gaps); the graph is replayed `trials` times, each replay timed with CUDA events;
latency = median over trials of (replay time / iters), in milliseconds. If graph capture raises,
the exception is printed and that shape is timed eagerly instead (marked per row in the JSON).

On CPU (dry runs) a handful of tiny shapes are timed with time.perf_counter, only to exercise
the code path; such numbers are not measurements of anything useful.
"""

import math
import statistics
import time
import traceback

import torch
import torch.nn.functional as F

# (label, n, k): output features, input features
MODEL_SHAPES = [
    ("llama3-8b qkv_proj", 6144, 4096),
    ("llama3-8b o_proj", 4096, 4096),
    ("llama3-8b gate_up_proj", 28672, 4096),
    ("llama3-8b down_proj", 4096, 14336),
    ("qwen3-30b-a3b qkv_proj", 5120, 2048),
    ("qwen3-30b-a3b o_proj", 2048, 4096),
    ("qwen3-30b-a3b expert gate_up", 1536, 2048),
    ("qwen3-30b-a3b expert down", 2048, 768),
]
MODEL_MS = [1, 4, 16, 64, 256, 1024, 4096, 8192]
SQUARE_NK = [1024, 2048, 8192, 16384]
SQUARE_MS = [1, 128, 2048, 8192]


def default_shapes():
    shapes = []
    for label, n, k in MODEL_SHAPES:
        for m in MODEL_MS:
            shapes.append((label, m, n, k))
    for nk in SQUARE_NK:
        for m in SQUARE_MS:
            shapes.append(("square", m, nk, nk))
    return shapes


def tiny_shapes():
    return [("tiny", m, n, k) for m, n, k in [(1, 64, 64), (16, 128, 64), (64, 64, 256)]]


def _l2_bytes(device):
    props = torch.cuda.get_device_properties(device)
    l2 = getattr(props, "L2_cache_size", None)
    return int(l2) if l2 else 60 * 1024 * 1024


def _time_cuda_shape(m, n, k, dtype, device, l2_bytes, target_trial_ms, trials):
    a = torch.randn(m, k, device=device, dtype=dtype)
    w_bytes = n * k * torch.tensor([], dtype=dtype).element_size()
    copies = int(min(64, max(2, math.ceil(3 * l2_bytes / w_bytes) + 1)))
    ws = [torch.randn(n, k, device=device, dtype=dtype) * 0.02 for _ in range(copies)]
    # eager warm-up, and a rough per-call time to size the graph
    for i in range(3):
        F.linear(a, ws[i % copies])
    torch.cuda.synchronize()
    e0 = torch.cuda.Event(enable_timing=True)
    e1 = torch.cuda.Event(enable_timing=True)
    e0.record()
    probe = 5
    for i in range(probe):
        F.linear(a, ws[i % copies])
    e1.record()
    e1.synchronize()
    rough_ms = max(e0.elapsed_time(e1) / probe, 1e-4)
    iters = int(min(200, max(20, math.ceil(target_trial_ms / rough_ms))))
    iters = max(iters, copies)  # every copy used at least once per replay
    iters = int(min(iters, 256))
    method = "cuda_graph"
    note = None
    samples = []
    try:
        g = torch.cuda.CUDAGraph()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for i in range(3):
                F.linear(a, ws[i % copies])
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        with torch.cuda.graph(g):
            y = None
            for i in range(iters):
                y = F.linear(a, ws[i % copies])
        g.replay()
        g.replay()
        torch.cuda.synchronize()
        for _ in range(trials):
            e0.record()
            g.replay()
            e1.record()
            e1.synchronize()
            samples.append(e0.elapsed_time(e1) / iters)
        del g, y
    except Exception as exc:  # reported loudly, then timed eagerly
        print("WARNING: CUDA-graph timing failed for m=%d n=%d k=%d: %r; timing eagerly" % (m, n, k, exc))
        traceback.print_exc()
        method = "eager"
        note = repr(exc)
        torch.cuda.synchronize()
        samples = []
        for _ in range(trials):
            e0.record()
            for i in range(iters):
                F.linear(a, ws[i % copies])
            e1.record()
            e1.synchronize()
            samples.append(e0.elapsed_time(e1) / iters)
    del a, ws
    return {
        "latency_ms": statistics.median(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "iters_per_trial": iters,
        "trials": trials,
        "weight_copies": copies,
        "rough_eager_ms_per_call": rough_ms,
        "method": method,
        "note": note,
    }


def _time_cpu_shape(m, n, k, dtype, trials):
    a = torch.randn(m, k, dtype=dtype)
    w = torch.randn(n, k, dtype=dtype)
    F.linear(a, w)
    samples = []
    for _ in range(trials):
        t0 = time.perf_counter()
        F.linear(a, w)
        samples.append((time.perf_counter() - t0) * 1000.0)
    return {"latency_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples),
            "iters_per_trial": 1, "trials": trials, "weight_copies": 1,
            "rough_eager_ms_per_call": None, "method": "cpu_perf_counter", "note": "dry run"}


def run_gemm_sweep(device, shapes, time_budget_s, trials=10, target_trial_ms=2.0):
    dtype = torch.bfloat16
    rows = []
    t_start = time.time()
    skipped = []
    is_cuda = device.type == "cuda"
    l2 = _l2_bytes(device) if is_cuda else None
    for idx, (label, m, n, k) in enumerate(shapes):
        if time.time() - t_start > time_budget_s:
            skipped.append((label, m, n, k))
            continue
        if is_cuda:
            r = _time_cuda_shape(m, n, k, dtype, device, l2, target_trial_ms, trials)
        else:
            r = _time_cpu_shape(m, n, k, dtype, trials)
        flops = 2.0 * m * n * k
        r.update({"label": label, "m": m, "n": n, "k": k,
                  "tflops": flops / (r["latency_ms"] * 1e-3) / 1e12})
        rows.append(r)
        print("  gemm %3d/%d %-30s m=%5d n=%5d k=%5d  %.4f ms  %7.1f TFLOP/s  (%s, %d iters x %d, %d copies)"
              % (idx + 1, len(shapes), label, m, n, k, r["latency_ms"], r["tflops"], r["method"],
                 r["iters_per_trial"], r["trials"], r["weight_copies"]))
        if is_cuda and idx % 8 == 7:
            torch.cuda.empty_cache()
    if is_cuda:
        torch.cuda.empty_cache()
    return {
        "rows": rows,
        "skipped_for_time_budget": skipped,
        "elapsed_s": time.time() - t_start,
        "l2_cache_bytes_assumed": l2,
        "trials": trials,
        "target_trial_ms": target_trial_ms,
    }


def write_gemm_csv(path, rows):
    with open(path, "w") as f:
        f.write("gemm_dtype,m,n,k,latency\n")
        for r in rows:
            f.write("bfloat16,%d,%d,%d,%.6g\n" % (r["m"], r["n"], r["k"], r["latency_ms"]))


def run_copy_bandwidth(device, sizes_bytes, trials=20):
    """Device-to-device copy dst.copy_(src); bandwidth counts bytes read + written."""
    out = []
    for nbytes in sizes_bytes:
        src = torch.empty(nbytes, dtype=torch.uint8, device=device)
        src.fill_(1)
        dst = torch.empty_like(src)
        for _ in range(3):
            dst.copy_(src)
        torch.cuda.synchronize()
        samples = []
        e0 = torch.cuda.Event(enable_timing=True)
        e1 = torch.cuda.Event(enable_timing=True)
        for _ in range(trials):
            e0.record()
            dst.copy_(src)
            e1.record()
            e1.synchronize()
            samples.append(e0.elapsed_time(e1))
        med = statistics.median(samples)
        r = {
            "bytes": nbytes,
            "trials": trials,
            "median_ms": med,
            "min_ms": min(samples),
            "max_ms": max(samples),
            "read_plus_write_GBps": 2.0 * nbytes / (med * 1e-3) / 1e9,
            "copied_bytes_GBps": nbytes / (med * 1e-3) / 1e9,
        }
        print("  d2d copy %6d MiB: %.4f ms median, %.0f GB/s read+write"
              % (nbytes >> 20, med, r["read_plus_write_GBps"]))
        out.append(r)
        del src, dst
        torch.cuda.empty_cache()
    return out
