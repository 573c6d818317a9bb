"""Measured latency tables beyond bf16 GEMM: SDPA attention (per backend), fp8 GEMM
(torch._scaled_mm), memory-bound ops, and a per-expert MoE loop. Used by capture_extra.py.

Timing method (CUDA), the same for every table (`time_op`): the op is run on `copies` input sets
in rotation (enough that the sets rotated through exceed 3x the L2 cache where the cap allows,
so that inputs come from HBM, not L2); after 3 eager warm-up calls and 5 eager probe calls (a
rough per-call time), `iters` calls, call i using input set i % copies, are captured into one
CUDA graph (no CPU launch gaps); the graph is replayed twice as warm-up and then `trials` (10)
times, each replay timed with CUDA events; latency = median over replays of (replay time /
iters), in milliseconds. So a latency is the GPU time of one call including the back-to-back gap
between graph nodes, with no launch overhead. If capture raises, the error is printed AND
recorded in the row (`method: eager`, `note`) and the op is timed eagerly instead.

On the CPU (dry runs) tiny shapes run with time.perf_counter, only to exercise the code: such
numbers measure nothing.
"""

import math
import statistics
import time
import traceback

import torch
import torch.nn.functional as F

L2_FALLBACK = 60 * 1024 * 1024


def l2_bytes(device):
    if device.type != "cuda":
        return L2_FALLBACK
    l2 = getattr(torch.cuda.get_device_properties(device), "L2_cache_size", None)
    return int(l2) if l2 else L2_FALLBACK


def copies_for(bytes_per_set, l2, cap):
    return int(min(cap, max(2, math.ceil(3.0 * l2 / max(1, bytes_per_set)) + 1)))


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_op(call, copies, device, trials=10, target_trial_ms=2.0, min_iters=20, max_iters=256):
    """call(i) runs the op once on input set i % copies (it does the modulo itself).
    Returns a dict with latency_ms (median), min/max, iters, trials, method, note."""
    if device.type != "cuda":
        call(0)
        samples = []
        for t in range(min(trials, 3)):
            t0 = time.perf_counter()
            call(t)
            samples.append((time.perf_counter() - t0) * 1000.0)
        return {"latency_ms": statistics.median(samples), "min_ms": min(samples),
                "max_ms": max(samples), "iters_per_trial": 1, "trials": len(samples),
                "copies": copies, "method": "cpu_perf_counter", "note": "dry run, not a measurement"}
    for i in range(3):
        call(i)
    torch.cuda.synchronize(device)
    e0 = torch.cuda.Event(enable_timing=True)
    e1 = torch.cuda.Event(enable_timing=True)
    probe = 5
    e0.record()
    for i in range(probe):
        call(i)
    e1.record()
    e1.synchronize()
    rough = max(e0.elapsed_time(e1) / probe, 1e-4)
    iters = int(min(max_iters, max(min_iters, math.ceil(target_trial_ms / rough), copies)))
    method, note, samples = "cuda_graph", None, []
    try:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for i in range(3):
                call(i)
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize(device)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            for i in range(iters):
                call(i)
        g.replay()
        g.replay()
        torch.cuda.synchronize(device)
        for _ in range(trials):
            e0.record()
            g.replay()
            e1.record()
            e1.synchronize()
            samples.append(e0.elapsed_time(e1) / iters)
        del g
    except Exception as exc:  # recorded in the row, then timed eagerly
        print("WARNING: CUDA-graph timing failed (%r); timing eagerly" % (exc,))
        traceback.print_exc()
        method, note, samples = "eager", "graph capture failed: %r" % (exc,), []
        torch.cuda.synchronize(device)
        for _ in range(trials):
            e0.record()
            for i in range(iters):
                call(i)
            e1.record()
            e1.synchronize()
            samples.append(e0.elapsed_time(e1) / iters)
    return {"latency_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples),
            "iters_per_trial": iters, "trials": trials, "copies": copies,
            "rough_eager_ms_per_call": rough, "method": method, "note": note}


def _free(device):
    if device.type == "cuda":
        torch.cuda.empty_cache()


# ---------------------------------------------------------------------------------------------
# Attention (F.scaled_dot_product_attention per backend)
# ---------------------------------------------------------------------------------------------

ATTN_HEADS = [(32, 8), (32, 4)]
ATTN_HEAD_DIM = 128
ATTN_PREFILL = [(1, 512), (1, 2048), (1, 8192), (4, 1024), (4, 4096), (16, 1024), (64, 256)]
ATTN_DECODE = [(1, 128), (1, 1024), (1, 8192), (16, 128), (16, 1024), (16, 8192),
               (64, 128), (64, 1024), (64, 8192), (4, 512), (8, 2048), (32, 4096)]
ATTN_TINY_PREFILL = [(1, 32), (2, 16)]
ATTN_TINY_DECODE = [(1, 16), (2, 64)]


def sdpa_backends():
    """[(label, SDPBackend member or None)], and an error string if the API is missing."""
    try:
        from torch.nn.attention import SDPBackend  # torch >= 2.3 (with sdpa_kernel)
    except Exception as exc:
        return [], "torch.nn.attention.sdpa_kernel unavailable: %r" % (exc,)
    out = []
    for label, attr in (("flash", "FLASH_ATTENTION"), ("cudnn", "CUDNN_ATTENTION"),
                        ("efficient", "EFFICIENT_ATTENTION")):
        if hasattr(SDPBackend, attr):
            out.append((label, getattr(SDPBackend, attr)))
    return out, None


def _sdpa_call(q, k, v, causal, gqa):
    if gqa:
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)


def attention_flops(b, h, q_len, kv_len, d, causal):
    """2 matmuls (QK^T and PV) of 2*q*kv*d FLOPs per head; causal prefill (q == kv) counts the
    lower triangle incl. diagonal: q*(q+1)/2 pairs."""
    pairs = q_len * (q_len + 1) / 2.0 if (causal and q_len == kv_len) else float(q_len * kv_len)
    return 4.0 * b * h * pairs * d


def run_attention(device, tiny, budget_s, log):
    backends, err = sdpa_backends()
    result = {"rows": [], "errors": [], "skipped_for_time_budget": [], "backend_probe": {}}
    if err:
        result["errors"].append(err)
        return result
    from torch.nn.attention import sdpa_kernel
    dtype = torch.bfloat16
    l2 = l2_bytes(device)
    d = 16 if tiny else ATTN_HEAD_DIM
    heads = [(4, 2), (4, 1)] if tiny else ATTN_HEADS
    cases = [("prefill", b, t, t, True) for b, t in (ATTN_TINY_PREFILL if tiny else ATTN_PREFILL)]
    cases += [("decode", b, 1, s, False) for b, s in (ATTN_TINY_DECODE if tiny else ATTN_DECODE)]
    t_start = time.time()
    for label, backend in backends:
        # probe: native GQA (enable_gqa=True) first; if the backend refuses it, K/V expanded to H
        # heads (repeat_interleave, outside the timed region) -- recorded per row as gqa_impl.
        probe = {}
        for gqa in (True, False):
            try:
                h, hkv = heads[0]
                kh = hkv if gqa else h
                q = torch.randn(1, h, 8, d, device=device, dtype=dtype)
                k = torch.randn(1, kh, 8, d, device=device, dtype=dtype)
                with sdpa_kernel(backend):
                    _sdpa_call(q, k, k, True, gqa)
                _sync(device)
                probe["enable_gqa" if gqa else "expanded_kv"] = "ok"
            except Exception as exc:
                probe["enable_gqa" if gqa else "expanded_kv"] = "failed: %s" % (str(exc).strip()[:600],)
        result["backend_probe"][label] = probe
        log("  attention backend %-9s probe: %s" % (label, probe))
        if probe.get("enable_gqa") == "ok":
            gqa = True
        elif probe.get("expanded_kv") == "ok":
            gqa = False
        else:
            result["errors"].append("backend %s unusable: %s" % (label, probe))
            continue
        for (h, hkv) in heads:
            for phase, b, q_len, kv_len, causal in cases:
                key = (label, phase, b, q_len, kv_len, h, hkv)
                if time.time() - t_start > budget_s:
                    result["skipped_for_time_budget"].append(list(key))
                    continue
                kvh = hkv if gqa else h
                set_bytes = 2 * (2 * b * h * q_len * d + 2 * b * kvh * kv_len * d)
                copies = copies_for(set_bytes, l2, 64)
                try:
                    qs = [torch.randn(b, h, q_len, d, device=device, dtype=dtype) for _ in range(copies)]
                    ks = [torch.randn(b, kvh, kv_len, d, device=device, dtype=dtype) for _ in range(copies)]
                    vs = [torch.randn(b, kvh, kv_len, d, device=device, dtype=dtype) for _ in range(copies)]

                    def call(i, qs=qs, ks=ks, vs=vs, causal=causal, gqa=gqa, c=copies):
                        j = i % c
                        return _sdpa_call(qs[j], ks[j], vs[j], causal, gqa)

                    with sdpa_kernel(backend):
                        r = time_op(call, copies, device)
                except Exception as exc:
                    msg = "%s: %s" % (type(exc).__name__, str(exc).strip()[:400])
                    log("  attention %s %s b=%d q=%d kv=%d h=%d/%d FAILED: %s" % (
                        label, phase, b, q_len, kv_len, h, hkv, msg))
                    result["errors"].append({"case": list(key), "error": msg})
                    qs = ks = vs = None
                    _free(device)
                    continue
                del qs, ks, vs
                fl = attention_flops(b, h, q_len, kv_len, d, causal)
                min_bytes = 2 * (2 * b * h * q_len * d + 2 * b * hkv * kv_len * d)
                r.update({"backend": label if gqa else label + "_expanded_kv", "phase": phase, "batch": b, "q_len": q_len,
                          "kv_len": kv_len, "num_heads": h, "num_kv_heads": hkv, "head_dim": d,
                          "causal": causal, "gqa_impl": "enable_gqa" if gqa else "expanded_kv",
                          "flops": fl, "min_bytes": min_bytes,
                          "tflops": fl / (r["latency_ms"] * 1e-3) / 1e12,
                          "tbps_min_bytes": min_bytes / (r["latency_ms"] * 1e-3) / 1e12,
                          "bytes_per_input_set": set_bytes})
                result["rows"].append(r)
                log("  attn %-9s %-7s b=%3d q=%5d kv=%5d h=%d/%d  %.4f ms  %6.1f TFLOP/s  %5.2f TB/s  (%s, %dx%d, %d sets)"
                    % (label, phase, b, q_len, kv_len, h, hkv, r["latency_ms"], r["tflops"],
                       r["tbps_min_bytes"], r["method"], r["iters_per_trial"], r["trials"], copies))
            _free(device)
    result["elapsed_s"] = time.time() - t_start
    return result


def write_attention_csv(path, rows):
    with open(path, "w") as f:
        f.write("backend,phase,batch,q_len,kv_len,num_heads,num_kv_heads,head_dim,causal,latency\n")
        for r in rows:
            f.write("%s,%s,%d,%d,%d,%d,%d,%d,%s,%.6g\n" % (
                r["backend"], r["phase"], r["batch"], r["q_len"], r["kv_len"], r["num_heads"],
                r["num_kv_heads"], r["head_dim"], "true" if r["causal"] else "false", r["latency_ms"]))


# ---------------------------------------------------------------------------------------------
# fp8 GEMM (torch._scaled_mm, e4m3 inputs, per-tensor scales, bf16 output)
# ---------------------------------------------------------------------------------------------

FP8_MODEL_SHAPES = [
    ("llama3-8b qkv_proj", 6144, 4096),
    ("llama3-8b o_proj", 4096, 4096),
    ("llama3-8b gate_up_proj", 28672, 4096),
    ("llama3-8b down_proj", 4096, 14336),
]
FP8_MODEL_MS = [1, 16, 64, 256, 1024, 4096, 8192]
FP8_EXTRA = [("qwen3-30b-a3b expert gate_up", m, 1536, 2048) for m in (16, 256, 4096)] + \
            [("qwen3-30b-a3b expert down", m, 2048, 768) for m in (16, 256, 4096)] + \
            [("square", m, nk, nk) for nk in (8192, 16384) for m in (128, 2048, 8192)]


def fp8_shapes(tiny):
    if tiny:
        return [("tiny", 1, 64, 64), ("tiny", 16, 32, 64), ("tiny", 32, 64, 128)]
    out = [(label, m, n, k) for label, n, k in FP8_MODEL_SHAPES for m in FP8_MODEL_MS]
    return out + FP8_EXTRA


def fp8_support(device):
    """Probe torch._scaled_mm: per-tensor and row-wise scales. Returns a dict of results."""
    res = {"has_float8_e4m3fn": hasattr(torch, "float8_e4m3fn"),
           "has__scaled_mm": hasattr(torch, "_scaled_mm")}
    if not (res["has_float8_e4m3fn"] and res["has__scaled_mm"]):
        return res
    f8 = torch.float8_e4m3fn
    for mode in ("tensorwise", "rowwise"):
        for m in (16, 1):
            try:
                a = torch.randn(m, 64, device=device).to(f8)
                w = torch.randn(32, 64, device=device).to(f8)
                if mode == "tensorwise":
                    sa = torch.tensor(1.0, device=device)
                    sb = torch.tensor(1.0, device=device)
                else:
                    sa = torch.ones(m, 1, device=device)
                    sb = torch.ones(1, 32, device=device)
                y = torch._scaled_mm(a, w.t(), scale_a=sa, scale_b=sb, out_dtype=torch.bfloat16)
                _sync(device)
                res["%s_m%d" % (mode, m)] = "ok (out %s %s)" % (tuple(y.shape), y.dtype)
            except Exception as exc:
                res["%s_m%d" % (mode, m)] = "failed: %s: %s" % (type(exc).__name__, str(exc).strip()[:500])
    return res


def run_fp8_gemm(device, tiny, budget_s, log):
    result = {"rows": [], "errors": [], "skipped_for_time_budget": []}
    sup = fp8_support(device)
    result["support"] = sup
    log("  fp8 support: %s" % sup)
    if not str(sup.get("tensorwise_m16", "")).startswith("ok"):
        result["errors"].append("torch._scaled_mm per-tensor unsupported here: %s" % sup)
        return result
    f8 = torch.float8_e4m3fn
    l2 = l2_bytes(device)
    t_start = time.time()
    for idx, (label, m, n, k) in enumerate(fp8_shapes(tiny)):
        if time.time() - t_start > budget_s:
            result["skipped_for_time_budget"].append([label, m, n, k])
            continue
        if m == 1 and not str(sup.get("tensorwise_m1", "")).startswith("ok"):
            result["errors"].append({"shape": [label, m, n, k], "error": "m=1 unsupported in probe"})
            continue
        try:
            copies = copies_for(n * k, l2, 64)
            a = (torch.randn(m, k, device=device) * 0.5).to(f8)
            ws = [(torch.randn(n, k, device=device) * 0.5).to(f8) for _ in range(copies)]
            sa = torch.tensor(1.0 / 64, device=device)
            sb = torch.tensor(1.0 / 64, device=device)

            def call(i, a=a, ws=ws, sa=sa, sb=sb, c=copies):
                return torch._scaled_mm(a, ws[i % c].t(), scale_a=sa, scale_b=sb,
                                        out_dtype=torch.bfloat16)

            r = time_op(call, copies, device)
            del a, ws
        except Exception as exc:
            msg = "%s: %s" % (type(exc).__name__, str(exc).strip()[:400])
            log("  fp8 gemm m=%d n=%d k=%d FAILED: %s" % (m, n, k, msg))
            result["errors"].append({"shape": [label, m, n, k], "error": msg})
            _free(device)
            continue
        fl = 2.0 * m * n * k
        r.update({"label": label, "m": m, "n": n, "k": k, "tflops": fl / (r["latency_ms"] * 1e-3) / 1e12,
                  "weight_bytes": n * k, "scales": "per-tensor (scalar fp32 scale_a, scale_b)",
                  "out_dtype": "bfloat16", "use_fast_accum": False})
        result["rows"].append(r)
        log("  fp8 %3d %-30s m=%5d n=%5d k=%5d  %.4f ms  %7.1f TFLOP/s  (%s, %dx%d, %d copies)" % (
            idx + 1, label, m, n, k, r["latency_ms"], r["tflops"], r["method"], r["iters_per_trial"],
            r["trials"], copies))
        if idx % 8 == 7:
            _free(device)
    _free(device)
    result["elapsed_s"] = time.time() - t_start
    return result


def write_fp8_csv(path, rows):
    with open(path, "w") as f:
        f.write("gemm_dtype,m,n,k,latency\n")
        for r in rows:
            f.write("fp8,%d,%d,%d,%.6g\n" % (r["m"], r["n"], r["k"], r["latency_ms"]))


# ---------------------------------------------------------------------------------------------
# Memory-bound ops (bf16)
# ---------------------------------------------------------------------------------------------

MB_HIDDEN = 4096
MB_INTER = 14336
MB_SIZES_MIB = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]


def _mb_op(op, rows, hidden, inter, device, dtype):
    """Returns (make_set, fn, shape_str, bytes_moved, kernels) for one op at `rows` rows.
    bytes_moved = sum over the op's eager kernels of (bytes read + bytes written), each kernel
    reading its inputs once and writing its output once."""
    e = 2  # bf16 bytes
    if op == "rms_norm":
        w = torch.ones(hidden, device=device, dtype=dtype)

        def make():
            return (torch.randn(rows, hidden, device=device, dtype=dtype),)
        fn = lambda s: F.rms_norm(s[0], (hidden,), w, 1e-5)  # noqa: E731
        return make, fn, "[%d,%d]" % (rows, hidden), 2 * rows * hidden * e + hidden * e, 1
    if op == "silu_and_mul":
        def make():
            return (torch.randn(rows, 2 * inter, device=device, dtype=dtype),)

        def fn(s):
            gate, up = s[0].chunk(2, dim=-1)
            return F.silu(gate) * up
        # silu: read gate, write tmp; mul: read tmp + up, write out
        return make, fn, "[%d,%d]" % (rows, 2 * inter), 5 * rows * inter * e, 2
    if op == "silu":
        def make():
            return (torch.randn(rows, inter, device=device, dtype=dtype),)
        return make, (lambda s: F.silu(s[0])), "[%d,%d]" % (rows, inter), 2 * rows * inter * e, 1
    if op == "mul":
        def make():
            return (torch.randn(rows, inter, device=device, dtype=dtype),
                    torch.randn(rows, inter, device=device, dtype=dtype))
        return make, (lambda s: s[0] * s[1]), "[%d,%d]" % (rows, inter), 3 * rows * inter * e, 1
    if op == "add":
        def make():
            return (torch.randn(rows, hidden, device=device, dtype=dtype),
                    torch.randn(rows, hidden, device=device, dtype=dtype))
        return make, (lambda s: s[0] + s[1]), "[%d,%d]" % (rows, hidden), 3 * rows * hidden * e, 1
    if op == "copy":
        def make():
            return (torch.randn(rows, hidden, device=device, dtype=dtype),
                    torch.empty(rows, hidden, device=device, dtype=dtype))
        return make, (lambda s: s[1].copy_(s[0])), "[%d,%d]" % (rows, hidden), 2 * rows * hidden * e, 1
    raise ValueError(op)


MB_OPS = ["rms_norm", "silu_and_mul", "silu", "mul", "add", "copy"]


def run_memory_bound(device, tiny, budget_s, log):
    result = {"rows": [], "errors": [], "skipped_for_time_budget": []}
    dtype = torch.bfloat16
    hidden, inter = (64, 128) if tiny else (MB_HIDDEN, MB_INTER)
    sizes = [1, 2] if tiny else MB_SIZES_MIB
    l2 = l2_bytes(device)
    t_start = time.time()
    if not hasattr(F, "rms_norm"):
        result["errors"].append("F.rms_norm missing (torch < 2.4): rms_norm rows skipped")
    for op in MB_OPS:
        if op == "rms_norm" and not hasattr(F, "rms_norm"):
            continue
        for mib in sizes:
            if time.time() - t_start > budget_s:
                result["skipped_for_time_budget"].append([op, mib])
                continue
            width = 2 * inter if op == "silu_and_mul" else (inter if op in ("silu", "mul") else hidden)
            size_bytes = (mib << 10) if tiny else (mib << 20)   # tiny: KiB instead of MiB
            rows = max(1, int(round(size_bytes / (width * 2.0))))
            try:
                make, fn, shape, nbytes, kernels = _mb_op(op, rows, hidden, inter, device, dtype)
                copies = copies_for(nbytes, l2, 256)
                sets = [make() for _ in range(copies)]

                def call(i, sets=sets, fn=fn, c=copies):
                    return fn(sets[i % c])

                r = time_op(call, copies, device)
                del sets
            except Exception as exc:
                msg = "%s: %s" % (type(exc).__name__, str(exc).strip()[:400])
                log("  membound %s %d MiB FAILED: %s" % (op, mib, msg))
                result["errors"].append({"case": [op, mib], "error": msg})
                _free(device)
                continue
            r.update({"op": op, "shape": shape, "dtype": "bfloat16", "primary_input_bytes": rows * width * 2,
                      "nominal_size_mib": mib, "bytes_moved": nbytes, "eager_kernels": kernels,
                      "tbps": nbytes / (r["latency_ms"] * 1e-3) / 1e12})
            result["rows"].append(r)
            log("  membound %-12s %-14s %10d B  %.4f ms  %5.2f TB/s  (%s, %dx%d, %d sets)" % (
                op, shape, nbytes, r["latency_ms"], r["tbps"], r["method"], r["iters_per_trial"],
                r["trials"], copies))
            _free(device)
    result["elapsed_s"] = time.time() - t_start
    return result


def write_memory_bound_csv(path, rows):
    with open(path, "w") as f:
        f.write("op,shape,bytes_moved,latency\n")
        for r in rows:
            f.write('%s,"%s",%d,%.6g\n' % (r["op"], r["shape"], r["bytes_moved"], r["latency_ms"]))


# ---------------------------------------------------------------------------------------------
# MoE: per-expert loop of F.linear (tokens already sorted by expert)
# ---------------------------------------------------------------------------------------------

MOE_CONFIGS = [
    ("qwen3-30b-a3b", 2048, 768, 128, 8, [1, 4, 16, 64, 256, 1024, 4096]),
    ("qwen3-235b-a22b", 4096, 1536, 128, 8, [1, 16, 256, 4096]),
]


def run_moe(device, tiny, budget_s, log, seed=1234):
    result = {"rows": [], "errors": [], "skipped_for_time_budget": []}
    dtype = torch.bfloat16
    configs = [("tiny", 64, 32, 128, 8, [1, 16])] if tiny else MOE_CONFIGS
    t_start = time.time()
    for name, hidden, inter, e, topk, token_counts in configs:
        copies = 2
        try:
            wgu = [torch.randn(e, 2 * inter, hidden, device=device, dtype=dtype) * 0.02 for _ in range(copies)]
            wd = [torch.randn(e, hidden, inter, device=device, dtype=dtype) * 0.02 for _ in range(copies)]
        except Exception as exc:
            result["errors"].append({"config": name, "error": "%s: %s" % (type(exc).__name__, exc)})
            continue
        for nt in token_counts:
            if time.time() - t_start > budget_s:
                result["skipped_for_time_budget"].append([name, nt])
                continue
            try:
                gen = torch.Generator(device="cpu")
                gen.manual_seed(seed + nt)
                # uniform routing: top_k distinct experts per token
                idx = torch.rand(nt, e, generator=gen).topk(topk, dim=-1).indices
                counts = torch.bincount(idx.reshape(-1), minlength=e).tolist()
                xs = torch.randn(nt * topk, hidden, device=device, dtype=dtype)
                active = [(j, c) for j, c in enumerate(counts) if c > 0]

                def call(i, xs=xs, active=active, wgu=wgu, wd=wd):
                    w1, w2 = wgu[i % 2], wd[i % 2]
                    outs, start = [], 0
                    for j, c in active:
                        gate, up = F.linear(xs[start:start + c], w1[j]).chunk(2, dim=-1)
                        outs.append(F.linear(F.silu(gate) * up, w2[j]))
                        start += c
                    return torch.cat(outs, dim=0)

                r = time_op(call, copies, device, min_iters=2, max_iters=16, target_trial_ms=4.0)
            except Exception as exc:
                msg = "%s: %s" % (type(exc).__name__, str(exc).strip()[:400])
                log("  moe %s tokens=%d FAILED: %s" % (name, nt, msg))
                result["errors"].append({"case": [name, nt], "error": msg})
                _free(device)
                continue
            act_counts = [c for _, c in active]
            fl = 2.0 * nt * topk * (hidden * 2 * inter + inter * hidden)
            wbytes = len(active) * 3 * hidden * inter * 2
            r.update({"model_shape": name, "num_tokens": nt, "hidden": hidden, "inter": inter,
                      "num_experts": e, "top_k": topk, "active_experts": len(active),
                      "tokens_per_active_expert_min_max": [min(act_counts), max(act_counts)],
                      "routing": "uniform random, top_k distinct experts per token (seed %d)" % (seed + nt),
                      "flops": fl, "expert_weight_bytes_read": wbytes,
                      "tflops": fl / (r["latency_ms"] * 1e-3) / 1e12,
                      "weight_tbps": wbytes / (r["latency_ms"] * 1e-3) / 1e12})
            result["rows"].append(r)
            log("  moe %-16s tokens=%5d active=%3d  %.4f ms  %6.1f TFLOP/s  %5.2f TB/s weights  (%s, %dx%d)" % (
                name, nt, len(active), r["latency_ms"], r["tflops"], r["weight_tbps"], r["method"],
                r["iters_per_trial"], r["trials"]))
            del xs
        del wgu, wd
        _free(device)
    result["elapsed_s"] = time.time() - t_start
    return result


def write_moe_csv(path, rows):
    with open(path, "w") as f:
        f.write("num_tokens,hidden,inter,num_experts,top_k,latency\n")
        for r in rows:
            f.write("%d,%d,%d,%d,%d,%.6g\n" % (r["num_tokens"], r["hidden"], r["inter"],
                                              r["num_experts"], r["top_k"], r["latency_ms"]))
