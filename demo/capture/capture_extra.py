#!/usr/bin/env python3
"""More FlowSim demo traces and latency tables (second device run). Complements capture.py,
whose behaviour is unchanged.

Stages (--stages, comma list; default: all):
  trace_graph    Llama-3-8B-shaped model, 2 layers: eager prefill, then decode steps captured in one
                 torch.cuda.CUDAGraph and replayed under the profiler (cudaGraphLaunch events).
  trace_compile  the same model compiled with torch.compile(mode="default"): prefill + decode steps
                 (Inductor/Triton kernels).
  trace_streams  a small workload: two CUDA streams running concurrently (SDPA on one, a GEMM on the
                 other), fp8 torch._scaled_mm (per-tensor and row-wise scales), SDPA forced to the
                 flash and efficient backends (prefill and decode shapes), memory-bound ops.
  attn           attention_sdpa_bf16.csv/.json   SDPA latency per backend (flash, cudnn, efficient)
  fp8gemm        gemm_fp8.csv/.json              torch._scaled_mm e4m3, per-tensor scales
  membound       memory_bound_bf16.csv/.json     rms_norm, silu_and_mul, silu, mul, add, copy
  moe            moe_grouped_bf16.csv/.json      per-expert F.linear loop, top-8 of 128 experts

A stage that fails (or a feature that is missing: fp8, compile, an SDPA backend) is reported on
the console AND recorded in its JSON (and in extra_run_status.json); the other stages still run.

GPU:     python3 demo/capture/capture_extra.py --out OUT --stages trace_graph,trace_streams
CPU dry: /tmp/venv/bin/python demo/capture/capture_extra.py --out /tmp/dry --dry-run
See demo/capture/README.md.
"""

import argparse
import contextlib
import gc
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import capture  # noqa: E402  (environment(), gpu_tag())
import flowsim_models as fm  # noqa: E402
import kernel_sweeps as ks  # noqa: E402
import trace_stats  # noqa: E402

SCRIPT_VERSION = "1"
ALL_STAGES = ["trace_graph", "trace_streams", "trace_compile", "attn", "fp8gemm", "membound", "moe"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--stages", default=",".join(ALL_STAGES))
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="--device cpu --tiny, small workloads")
    p.add_argument("--model", default="llama3-8b", help="dense model for the graph/compile traces")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--graph-batch", type=int, default=8)
    p.add_argument("--graph-prompt-len", type=int, default=512)
    p.add_argument("--graph-decode-steps", type=int, default=6, help="graph replays (decode steps)")
    p.add_argument("--compile-batch", type=int, default=4)
    p.add_argument("--compile-prompt-len", type=int, default=512)
    p.add_argument("--compile-decode-steps", type=int, default=4)
    p.add_argument("--cache-len", type=int, default=1024,
                   help="preallocated KV-cache length (static decode attends over all of it, masked)")
    p.add_argument("--warmup-iters", type=int, default=2)
    p.add_argument("--timed-iters", type=int, default=3)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--budget-s", type=float, default=25.0, help="time budget per measurement stage")
    p.add_argument("--max-trace-mb", type=float, default=6.0)
    a = p.parse_args(argv)
    if a.dry_run:
        a.device, a.tiny = "cpu", True
        for flag, attr, val in (("--graph-batch", "graph_batch", 2), ("--graph-prompt-len", "graph_prompt_len", 16),
                                ("--graph-decode-steps", "graph_decode_steps", 3),
                                ("--compile-batch", "compile_batch", 2),
                                ("--compile-prompt-len", "compile_prompt_len", 16),
                                ("--compile-decode-steps", "compile_decode_steps", 2),
                                ("--cache-len", "cache_len", 64), ("--warmup-iters", "warmup_iters", 1),
                                ("--timed-iters", "timed_iters", 1), ("--budget-s", "budget_s", 5.0)):
            if flag not in argv:
                setattr(a, attr, val)
    a.stages = [s.strip() for s in a.stages.split(",") if s.strip()]
    for s in a.stages:
        if s not in ALL_STAGES:
            raise SystemExit("unknown stage %r (known: %s)" % (s, ", ".join(ALL_STAGES)))
    return a


def log(msg):
    print(msg, flush=True)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def cleanup(device):
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def export_trace(prof, out_dir, stem):
    tmp_dir = tempfile.mkdtemp(prefix="flowsim_extra_")
    tmp_json = os.path.join(tmp_dir, stem + ".trace.json")
    prof.export_chrome_trace(tmp_json)
    raw = os.path.getsize(tmp_json)
    path = os.path.join(out_dir, stem + ".trace.json.gz")
    with open(tmp_json, "rb") as src, gzip.open(path, "wb", compresslevel=9) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    shutil.rmtree(tmp_dir)
    return path, raw, os.path.getsize(path)


def profiler_ctx(device):
    acts = [torch.profiler.ProfilerActivity.CPU]
    if device.type == "cuda":
        acts.append(torch.profiler.ProfilerActivity.CUDA)
    return acts, torch.profiler.profile(activities=acts, record_shapes=True, with_stack=True)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, default=str)
        f.write("\n")


def finish_trace(prof, acts, out_dir, stem, meta, args):
    path, raw, gz = export_trace(prof, out_dir, stem)
    stats = trace_stats.summarize(trace_stats.load_trace(path))
    meta.update({"trace_file": os.path.basename(path), "trace_bytes_gz": gz, "trace_bytes_json": raw,
                 "profiler": {"activities": [str(a) for a in acts], "record_shapes": True,
                              "with_stack": True, "export": "prof.export_chrome_trace(json) then gzip -9"},
                 "trace_summary": stats})
    meta_path = os.path.join(out_dir, stem + ".meta.json")
    write_json(meta_path, meta)
    log("  wrote %s (%.2f MB gz, %.1f MB json): %d kernels, streams %s, launch APIs %s" % (
        os.path.basename(path), gz / 1e6, raw / 1e6, stats["kernels"], stats["kernel_streams"],
        stats["kernels_by_launch_api"]))
    if gz > args.max_trace_mb * 1e6:
        log("WARNING: %s is %.2f MB > --max-trace-mb %.1f" % (path, gz / 1e6, args.max_trace_mb))
    return [path, meta_path]


def build_model(args, device, dtype, cache_batch):
    cfg = fm.MODELS[args.model]
    if args.tiny:
        cfg = fm.tiny_config(cfg)
    if cfg["moe"] is not None:
        raise SystemExit("--model must be a dense model for the static decode path")
    torch.manual_seed(args.seed)
    model = fm.DecoderModel(cfg, args.layers, args.cache_len, "auto", device, dtype)
    model.init_random(args.seed)
    model.eval()
    cache = fm.new_kv_cache(cfg, args.layers, cache_batch, args.cache_len, device, dtype)
    return cfg, model, cache


def model_meta(cfg, args, model, extra):
    d = {"config": cfg, "layers_run": args.layers,
         "parameters_run": sum(p.numel() for p in model.parameters()),
         "rmsnorm_impl": model.rmsnorm_impl,
         "weights": "random normal(0, 0.02), norms = 1, seed %d" % args.seed,
         "kv_cache": "preallocated [B, Hkv, %d, D] per layer (bf16)" % args.cache_len,
         "prefill_attention": capture.attention_impl() + ", causal, over the filled prefix",
         "decode_attention": ("static shapes: F.scaled_dot_product_attention over the WHOLE "
                              "preallocated cache with a boolean mask of positions <= pos "
                              "(attn_mask [1,1,1,S]); GQA packed as q [B, Hkv, n_rep, D]; "
                              "new K/V written with index_copy_ at a device position tensor"),
         "lm_head": "last position of each sequence only"}
    d.update(extra)
    return d


# ---------------------------------------------------------------------------------------------
# Trace (a): CUDA-graph decode
# ---------------------------------------------------------------------------------------------

def stage_trace_graph(args, device, dtype, env, tag):
    b, t, steps = args.graph_batch, args.graph_prompt_len, args.graph_decode_steps
    if t + steps > args.cache_len:
        raise SystemExit("graph prompt + steps exceed --cache-len")
    cfg, model, cache = build_model(args, device, dtype, b)
    gen = torch.Generator(device="cpu")
    gen.manual_seed(args.seed + 1)
    prompt = torch.randint(0, cfg["vocab_size"], (b, t), generator=gen).to(device)
    static_ids = torch.zeros(b, 1, dtype=torch.long, device=device)
    pos_t = torch.full((1,), t, dtype=torch.long, device=device)
    use_graph = device.type == "cuda"
    notes = []

    state = {"graph": None, "static_logits": None, "capture_s": None, "sdpa_restriction": None}

    def capture_graph():
        """Warm up the static decode path on a side stream, then capture it into one CUDAGraph.
        If capture fails with the default SDPA backend choice, it is recorded and retried with
        SDPA restricted to the efficient/math backends."""
        attempts = [None]
        restricted, berr = ks.sdpa_backends()
        eff = [be for lb, be in restricted if lb == "efficient"] if not berr else []
        if eff:
            attempts.append(eff)
        for restriction in attempts:
            ctx = contextlib.nullcontext()
            if restriction:
                from torch.nn.attention import SDPBackend, sdpa_kernel
                ctx = sdpa_kernel(restriction + [SDPBackend.MATH])
            try:
                with torch.no_grad(), ctx:
                    side = torch.cuda.Stream()
                    side.wait_stream(torch.cuda.current_stream())
                    with torch.cuda.stream(side):
                        for _ in range(3):
                            model.forward_static_decode(static_ids, pos_t, cache)
                    torch.cuda.current_stream().wait_stream(side)
                    sync(device)
                    g = torch.cuda.CUDAGraph()
                    t0 = time.time()
                    with torch.cuda.graph(g):
                        out = model.forward_static_decode(static_ids, pos_t, cache)
                    sync(device)
                state.update(graph=g, static_logits=out, capture_s=time.time() - t0,
                             sdpa_restriction=None if restriction is None else "efficient+math")
                log("  captured decode graph in %.2f s (sdpa restriction: %s)" % (
                    state["capture_s"], state["sdpa_restriction"]))
                return
            except Exception as exc:
                msg = "graph capture failed (sdpa restriction %s): %s: %s" % (
                    restriction, type(exc).__name__, str(exc)[:800])
                log("WARNING: " + msg)
                traceback.print_exc()
                notes.append(msg)
                try:
                    sync(device)
                except Exception as exc2:
                    notes.append("sync after failed capture: %r" % (exc2,))
        raise RuntimeError("CUDA-graph capture failed in every attempt: %s" % notes)

    with torch.no_grad():
        logits0 = model(prompt, 0, cache)
        static_ids.copy_(fm.sample(logits0, "topk").view(b, 1))
    if use_graph:
        capture_graph()
    else:
        notes.append("CPU dry run: no CUDA graph; the static decode step runs eagerly")

    def decode_step():
        if state["graph"] is not None:
            state["graph"].replay()
        else:
            state["static_logits"] = model.forward_static_decode(static_ids, pos_t, cache)
        tok = fm.sample(state["static_logits"], "topk")  # eager, outside the graph (as servers do)
        static_ids.copy_(tok.view(b, 1))
        pos_t.add_(1)
        return tok

    iteration = make_iteration(lambda: model(prompt, 0, cache), decode_step, static_ids, pos_t, b, t, steps)

    for _ in range(args.warmup_iters):
        iteration()
    sync(device)
    timing = timed(iteration, args.timed_iters, steps, device)
    acts, prof = profiler_ctx(device)
    sync(device)
    with prof:
        toks = iteration(torch.profiler.record_function)
        sync(device)
    stem = "%s_%s-%dlayer_prefill%dx%d_cudagraph-decode%d" % (tag, cfg["name"], args.layers, b, t, steps)
    graph = state["graph"]
    capture_s = state["capture_s"]
    meta = {
        "description": ("Real PyTorch-profiler (Kineto) trace captured by FlowSim for the JVM's "
                        "demo/capture/capture_extra.py (stage trace_graph): a plain-PyTorch decoder "
                        "with random bf16 weights shaped like %s, cut to %d layers. Eager prefill, then "
                        "%d decode steps, each ONE replay of a torch.cuda.CUDAGraph holding the whole "
                        "decode forward (embedding .. lm_head); sampling (top-k, multinomial), the "
                        "token copy into the graph's static input and the position increment run "
                        "eagerly after each replay." % (cfg["shaped_like"], args.layers, steps)),
        "model": model_meta(cfg, args, model, {"sampling": "topk (k=50, temperature 0.7, multinomial), eager"}),
        "workload": {"batch": b, "prompt_len": t, "decode_steps": steps, "graph_replays_profiled": steps if graph else 0,
                     "kv_len_after_decode": t + steps, "dtype": "bfloat16",
                     "graph": ("one torch.cuda.CUDAGraph captured (outside the profiler) from "
                               "model.forward_static_decode(static_ids[B,1], pos_t[1], cache) after 3 "
                               "warm-up calls on a side stream; replayed with graph.replay()"),
                     "graph_capture_s": capture_s,
                     "warmup_iterations_before_profiling": args.warmup_iters,
                     "record_function_ranges": ["prefill"] + ["decode_step_%d" % i for i in range(steps)],
                     "generated_tokens_shape": list(toks.shape)},
        "unprofiled_latency_ms": timing,
        "unprofiled_latency_method": "CUDA events around each step (decode = replay + eager sampling), median of %d runs" % args.timed_iters,
        "sdpa_restriction_during_capture": state["sdpa_restriction"],
        "notes": notes, "environment": env,
    }
    files = finish_trace(prof, acts, args.out, stem, meta, args)
    launched_by_graph = meta["trace_summary"]["kernels_by_launch_api"].get("cudaGraphLaunch", 0)
    log("  kernels linked to cudaGraphLaunch: %d" % launched_by_graph)
    del prof
    if graph is not None and launched_by_graph == 0:
        # Fallback: some profiler/CUPTI versions drop kernels of graphs captured before the
        # profiler started. Capture a fresh graph INSIDE the profiler and trace again.
        log("WARNING: no kernel linked to cudaGraphLaunch; tracing again with the graph captured "
            "inside the profiler")
        acts, prof = profiler_ctx(device)
        with prof:
            with torch.profiler.record_function("graph_capture"):
                capture_graph()
            toks = iteration(torch.profiler.record_function)
            sync(device)
        meta["description"] += (" FALLBACK VARIANT: the first trace (graph captured before profiling) "
                                "had no kernels linked to cudaGraphLaunch, so here the graph was "
                                "captured inside the profiler (range graph_capture) and then replayed.")
        meta["notes"] = notes + ["first trace had 0 kernels linked to cudaGraphLaunch"]
        files += finish_trace(prof, acts, args.out, stem + "_capture-in-profiler", meta, args)
        del prof
    state.clear()
    graph = None
    cleanup(device)   # model/cache/graph are freed when this function returns
    return files


def timed(iteration, n, steps, device):
    return capture.timed_runs(lambda hook: iteration(None, hook), n, steps, device)


def make_iteration(prefill_logits, decode_step, ids, pos_t, b, t, steps):
    """One generation: prefill_logits() gives the prefill's logits; decode_step() runs one decode
    step (reading ids/pos_t, updating them) and returns its tokens. iteration(range_fn, hook) wraps
    each step in range_fn(name) (e.g. torch.profiler.record_function) and calls hook(name, phase)."""
    def iteration(range_fn=None, hook=None):
        range_fn = range_fn or (lambda n: contextlib.nullcontext())
        hook = hook or (lambda name, phase: None)
        toks = []
        with torch.no_grad():
            hook("prefill", "begin")
            with range_fn("prefill"):
                tok = fm.sample(prefill_logits(), "topk")
                ids.copy_(tok.view(b, 1))
                pos_t.fill_(t)
            hook("prefill", "end")
            toks.append(tok)
            for i in range(steps):
                n = "decode_step_%d" % i
                hook(n, "begin")
                with range_fn(n):
                    toks.append(decode_step())
                hook(n, "end")
        return torch.stack(toks, dim=1)
    return iteration


# ---------------------------------------------------------------------------------------------
# Trace (b): torch.compile
# ---------------------------------------------------------------------------------------------

def stage_trace_compile(args, device, dtype, env, tag):
    if not hasattr(torch, "compile"):
        raise RuntimeError("torch.compile unavailable in torch %s" % torch.__version__)
    b, t, steps = args.compile_batch, args.compile_prompt_len, args.compile_decode_steps
    cfg, model, cache = build_model(args, device, dtype, b)
    gen = torch.Generator(device="cpu")
    gen.manual_seed(args.seed + 1)
    prompt = torch.randint(0, cfg["vocab_size"], (b, t), generator=gen).to(device)
    ids = torch.zeros(b, 1, dtype=torch.long, device=device)
    pos_t = torch.full((1,), t, dtype=torch.long, device=device)
    cprefill = torch.compile(model, mode="default", dynamic=False)
    cdecode = torch.compile(model.forward_static_decode, mode="default", dynamic=False)

    def decode_step():
        tok = fm.sample(cdecode(ids, pos_t, cache), "topk")
        ids.copy_(tok.view(b, 1))
        pos_t.add_(1)
        return tok

    iteration = make_iteration(lambda: cprefill(prompt, 0, cache), decode_step, ids, pos_t, b, t, steps)

    t0 = time.time()
    iteration()
    sync(device)
    compile_s = time.time() - t0
    log("  first iteration (compiles prefill + decode graphs): %.1f s" % compile_s)
    for _ in range(args.warmup_iters):
        iteration()
    sync(device)
    dyn = {}
    try:
        from torch._dynamo.utils import counters
        dyn = {k: dict(v) for k, v in counters.items() if k in ("stats", "graph_break", "recompiles", "inductor")}
    except Exception as exc:
        dyn = {"error": repr(exc)}
    timing = timed(iteration, args.timed_iters, steps, device)
    acts, prof = profiler_ctx(device)
    sync(device)
    with prof:
        toks = iteration(torch.profiler.record_function)
        sync(device)
    stem = "%s_%s-%dlayer_prefill%dx%d_decode%d_torchcompile" % (tag, cfg["name"], args.layers, b, t, steps)
    try:
        import triton
        triton_version = triton.__version__
    except Exception as exc:
        triton_version = "unavailable: %r" % (exc,)
    meta = {
        "description": ("Real PyTorch-profiler (Kineto) trace captured by FlowSim for the JVM's "
                        "demo/capture/capture_extra.py (stage trace_compile): a plain-PyTorch decoder "
                        "with random bf16 weights shaped like %s, cut to %d layers, compiled with "
                        "torch.compile(mode='default', dynamic=False): one compiled graph for the "
                        "prefill (model.__call__) and one for the static-shape decode step "
                        "(model.forward_static_decode). Sampling (top-k, multinomial) is eager."
                        % (cfg["shaped_like"], args.layers)),
        "model": model_meta(cfg, args, model, {"sampling": "topk (k=50, temperature 0.7, multinomial), eager"}),
        "workload": {"batch": b, "prompt_len": t, "decode_steps": steps, "dtype": "bfloat16",
                     "kv_len_after_decode": t + steps,
                     "compile": "torch.compile(mode='default', dynamic=False) on model and on model.forward_static_decode",
                     "first_iteration_s_including_compile": compile_s,
                     "warmup_iterations_before_profiling": 1 + args.warmup_iters,
                     "record_function_ranges": ["prefill"] + ["decode_step_%d" % i for i in range(steps)],
                     "generated_tokens_shape": list(toks.shape)},
        "dynamo_counters": dyn, "triton_version": triton_version,
        "unprofiled_latency_ms": timing,
        "unprofiled_latency_method": "CUDA events around each step, median of %d runs" % args.timed_iters,
        "environment": env,
    }
    files = finish_trace(prof, acts, args.out, stem, meta, args)
    del prof
    cleanup(device)   # model/cache/compiled fns are freed when this function returns
    return files


# ---------------------------------------------------------------------------------------------
# Trace (c): two streams, fp8 GEMMs, forced SDPA backends, memory-bound ops
# ---------------------------------------------------------------------------------------------

def stage_trace_streams(args, device, dtype, env, tag):
    tiny = args.tiny
    rf = torch.profiler.record_function
    H, HKV, D = (4, 2, 16) if tiny else (32, 8, 128)
    hidden, inter, vocab = (64, 128, 512) if tiny else (4096, 14336, 128256)
    pre_b, pre_t = (2, 32) if tiny else (4, 2048)
    dec_b, dec_s = (2, 64) if tiny else (32, 4096)
    gm = 64 if tiny else 4096
    fp8_shapes = [(16, 64, 64), (32, 128, 64)] if tiny else [(16, 6144, 4096), (4096, 6144, 4096), (8192, 28672, 4096)]
    mb_rows = 64 if tiny else 8192
    g = torch.Generator(device=device)
    g.manual_seed(args.seed)

    def rnd(*shape, dt=dtype):
        return torch.randn(*shape, generator=g, device=device, dtype=dt)

    q_pre, k_pre, v_pre = rnd(pre_b, H, pre_t, D), rnd(pre_b, HKV, pre_t, D), rnd(pre_b, HKV, pre_t, D)
    q_dec, k_dec, v_dec = rnd(dec_b, H, 1, D), rnd(dec_b, HKV, dec_s, D), rnd(dec_b, HKV, dec_s, D)
    a_g, w_g = rnd(gm, hidden), rnd(2 * inter, hidden) * 0.02
    x_mb, w_norm = rnd(mb_rows, hidden), torch.ones(hidden, device=device, dtype=dtype)
    y_mb, gu_mb = rnd(mb_rows, hidden), rnd(mb_rows, 2 * inter)
    emb = rnd(vocab, hidden)
    idx = torch.randint(0, vocab, (mb_rows,), generator=g, device=device)
    out_mb = torch.empty_like(x_mb)
    status = {"two_streams": None, "fp8_tensorwise": None, "fp8_rowwise": None}
    sdpa_status = {}
    fp8_sup = ks.fp8_support(device)
    backends, berr = ks.sdpa_backends()
    if berr:
        sdpa_status["api"] = berr
    use_streams = device.type == "cuda"
    if use_streams:
        s_attn, s_gemm = torch.cuda.Stream(), torch.cuda.Stream()
    f8 = getattr(torch, "float8_e4m3fn", None)
    fp8_w = {}
    if f8 is not None:
        for (m, n, k) in fp8_shapes:
            try:
                fp8_w[(m, n, k)] = (rnd(n, k) * 0.5).to(f8)
            except Exception as exc:
                status["fp8_tensorwise"] = "weight cast failed: %r" % (exc,)

    def two_streams():
        if not use_streams:
            status["two_streams"] = "skipped: CPU dry run (no CUDA streams)"
            return
        cur = torch.cuda.current_stream()
        for i in range(3):
            with rf("two_streams_iter_%d" % i):
                s_attn.wait_stream(cur)
                s_gemm.wait_stream(cur)
                with torch.cuda.stream(s_attn):
                    with rf("stream_A_sdpa_prefill"):
                        o = F.scaled_dot_product_attention(q_pre, k_pre, v_pre, is_causal=True,
                                                           enable_gqa=fm.HAS_SDPA_GQA)
                with torch.cuda.stream(s_gemm):
                    with rf("stream_B_gemm"):
                        y = F.linear(a_g, w_g)
                cur.wait_stream(s_attn)
                cur.wait_stream(s_gemm)
                o.record_stream(cur)
                y.record_stream(cur)
                with rf("join_add"):
                    (o.sum() + y.sum()).item() if i == 2 else None
        status["two_streams"] = "ok: streams %d (sdpa) and %d (gemm), default stream joins" % (
            s_attn.stream_id, s_gemm.stream_id)

    def fp8_section(mode):
        key = "fp8_" + mode
        if f8 is None or not hasattr(torch, "_scaled_mm"):
            status[key] = "skipped: float8_e4m3fn or torch._scaled_mm missing"
            return
        results = []
        for (m, n, k) in fp8_shapes:
            if (m, n, k) not in fp8_w:
                continue
            try:
                with rf("fp8_%s_m%d_n%d_k%d" % (mode, m, n, k)):
                    a = rnd(m, k)
                    if mode == "tensorwise":
                        # dynamic per-tensor activation quantisation, as fp8 serving does
                        amax = a.abs().max().float().clamp(min=1e-12)
                        sa = amax / 448.0
                        a8 = (a.float() / sa).clamp(-448, 448).to(f8)
                        sb = torch.tensor(1.0 / 64, device=device)
                    else:
                        amax = a.abs().amax(dim=1, keepdim=True).float().clamp(min=1e-12)
                        sa = amax / 448.0
                        a8 = (a.float() / sa).clamp(-448, 448).to(f8)
                        sb = torch.full((1, n), 1.0 / 64, device=device)
                    torch._scaled_mm(a8, fp8_w[(m, n, k)].t(), scale_a=sa, scale_b=sb, out_dtype=torch.bfloat16)
                results.append("m%d_n%d_k%d ok" % (m, n, k))
            except Exception as exc:
                results.append("m%d_n%d_k%d failed: %s: %s" % (m, n, k, type(exc).__name__, str(exc).strip()[:300]))
        status[key] = results

    def sdpa_forced():
        if berr:
            return
        from torch.nn.attention import sdpa_kernel
        for label, backend in backends:
            if label not in ("flash", "efficient", "cudnn"):
                continue
            for phase, (q, k, v, causal) in (("prefill", (q_pre, k_pre, v_pre, True)),
                                            ("decode", (q_dec, k_dec, v_dec, False))):
                name = "sdpa_%s_%s" % (label, phase)
                try:
                    with rf(name), sdpa_kernel(backend):
                        F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
                    sdpa_status[name] = "ok (enable_gqa=True)"
                except Exception as exc:
                    err = "%s: %s" % (type(exc).__name__, str(exc).strip()[:300])
                    try:  # the backend may refuse GQA: expand K/V to all heads and try again
                        rep = q.shape[1] // k.shape[1]
                        with rf(name + "_expanded_kv"), sdpa_kernel(backend):
                            ke = k.repeat_interleave(rep, dim=1)
                            ve = v.repeat_interleave(rep, dim=1)
                            F.scaled_dot_product_attention(q, ke, ve, is_causal=causal)
                        sdpa_status[name] = "enable_gqa failed (%s); ok with K/V expanded by repeat_interleave" % err
                    except Exception as exc2:
                        sdpa_status[name] = "failed: %s; expanded: %s: %s" % (
                            err, type(exc2).__name__, str(exc2).strip()[:300])

    def memory_bound():
        with rf("mb_rms_norm"):
            if hasattr(F, "rms_norm"):
                F.rms_norm(x_mb, (hidden,), w_norm, 1e-5)
        with rf("mb_silu_and_mul"):
            gate, up = gu_mb.chunk(2, dim=-1)
            F.silu(gate) * up
        with rf("mb_add"):
            x_mb + y_mb
        with rf("mb_copy"):
            out_mb.copy_(x_mb)
        with rf("mb_index_select"):
            emb.index_select(0, idx)
        with rf("mb_cat"):
            torch.cat([x_mb, y_mb], dim=-1)

    def workload():
        with rf("section_two_streams"):
            two_streams()
        with rf("section_fp8_tensorwise"):
            fp8_section("tensorwise")
        with rf("section_fp8_rowwise"):
            fp8_section("rowwise")
        with rf("section_sdpa_forced_backends"):
            sdpa_forced()
        with rf("section_memory_bound"):
            memory_bound()

    with torch.no_grad():
        for _ in range(2):   # warm-up (handles, cuBLASLt heuristics, cuDNN plans), unprofiled
            workload()
        sync(device)
        acts, prof = profiler_ctx(device)
        with prof:
            workload()
            sync(device)
    stem = "%s_multistream-fp8-sdpa-backends-membound" % tag
    meta = {
        "description": ("Real PyTorch-profiler (Kineto) trace captured by FlowSim for the JVM's "
                        "demo/capture/capture_extra.py (stage trace_streams): not a model but a "
                        "sequence of labelled sections (record_function ranges section_*): two CUDA "
                        "streams running SDPA and a GEMM concurrently, fp8 torch._scaled_mm with "
                        "per-tensor and row-wise scales (with the activation quantisation kernels), "
                        "F.scaled_dot_product_attention forced to each backend with sdpa_kernel(), and "
                        "memory-bound ops at LLM sizes. Warm-up: the whole workload ran twice before "
                        "profiling."),
        "workload": {
            "two_streams": ("3 iterations: streams A and B wait on the current stream; A: SDPA causal "
                            "q[%d,%d,%d,%d] k/v[%d,%d,%d,%d] (enable_gqa); B: F.linear a[%d,%d] w[%d,%d]; "
                            "current stream waits on both; last iteration ends with .item() (host sync)"
                            % (pre_b, H, pre_t, D, pre_b, HKV, pre_t, D, gm, hidden, 2 * inter, hidden)),
            "fp8_gemm_shapes_mnk": fp8_shapes,
            "fp8_tensorwise": ("activation: abs().max() -> scale = amax/448 -> (a/scale).clamp -> "
                               "to(float8_e4m3fn); weight pre-cast e4m3; torch._scaled_mm(a8, w8.t(), "
                               "scale_a=scalar, scale_b=scalar 1/64, out_dtype=bfloat16)"),
            "fp8_rowwise": ("activation: abs().amax(dim=1) per row -> scale_a [M,1] fp32; scale_b [1,N] "
                            "fp32 = 1/64; torch._scaled_mm(..., out_dtype=bfloat16)"),
            "sdpa_prefill": "q[%d,%d,%d,%d] k/v[%d,%d,%d,%d] causal" % (pre_b, H, pre_t, D, pre_b, HKV, pre_t, D),
            "sdpa_decode": "q[%d,%d,1,%d] k/v[%d,%d,%d,%d] non-causal" % (dec_b, H, D, dec_b, HKV, dec_s, D),
            "sdpa_backends_forced": [lb for lb, _ in backends],
            "memory_bound": {"rms_norm": "[%d,%d]" % (mb_rows, hidden),
                             "silu_and_mul": "silu(gate)*up on [%d,%d]" % (mb_rows, 2 * inter),
                             "add": "[%d,%d] + [%d,%d]" % (mb_rows, hidden, mb_rows, hidden),
                             "copy": "copy_ [%d,%d]" % (mb_rows, hidden),
                             "index_select": "[%d,%d].index_select(0, %d ids)" % (vocab, hidden, mb_rows),
                             "cat": "cat([%d,%d] x2, dim=-1)" % (mb_rows, hidden)},
        },
        "status": status, "sdpa_status": sdpa_status, "fp8_support_probe": fp8_sup,
        "environment": env,
    }
    log("  status: %s" % json.dumps(status))
    log("  sdpa: %s" % json.dumps(sdpa_status))
    files = finish_trace(prof, acts, args.out, stem, meta, args)
    del prof
    cleanup(device)
    return files


# ---------------------------------------------------------------------------------------------
# Measurement stages
# ---------------------------------------------------------------------------------------------

MEASURE = {
    "attn": ("attention_sdpa_bf16", ks.run_attention, ks.write_attention_csv,
             "F.scaled_dot_product_attention latency per backend (torch.nn.attention.sdpa_kernel), bf16",
             {"backend": ("flash | cudnn | efficient: the SDPBackend forced with sdpa_kernel(); suffix "
                          "_expanded_kv if the backend refused enable_gqa and K/V were expanded to num_heads"),
              "phase": "prefill (q_len == kv_len, causal) or decode (q_len 1, non-causal over kv_len)",
              "batch": "B", "q_len": "query tokens per sequence", "kv_len": "key/value tokens per sequence",
              "num_heads": "query heads", "num_kv_heads": "key/value heads (GQA)", "head_dim": "D",
              "causal": "true/false", "latency": "milliseconds per call"}),
    "fp8gemm": ("gemm_fp8", ks.run_fp8_gemm, ks.write_fp8_csv,
                "torch._scaled_mm(a_e4m3[m,k], w_e4m3[n,k].t(), scale_a, scale_b (per-tensor fp32 scalars), out_dtype=bfloat16)",
                {"gemm_dtype": "fp8 (float8_e4m3fn inputs, per-tensor scales, bf16 output; aiconfigurator's name)",
                 "m": "rows of a (tokens)", "n": "output features", "k": "input features",
                 "latency": "milliseconds per call"}),
    "membound": ("memory_bound_bf16", ks.run_memory_bound, ks.write_memory_bound_csv,
                 "memory-bound eager ops, bf16",
                 {"op": "rms_norm (F.rms_norm over the last dim) | silu_and_mul (eager F.silu(gate) * up: 2 kernels) "
                        "| silu | mul | add (a + b) | copy (dst.copy_(src))",
                  "shape": "shape of the op's (first) input tensor",
                  "bytes_moved": ("sum over the op's eager kernels of bytes read + bytes written, each kernel "
                                  "reading its inputs once and writing its output once (silu_and_mul: 5*T*I*2)"),
                  "latency": "milliseconds per call"}),
    "moe": ("moe_grouped_bf16", ks.run_moe, ks.write_moe_csv,
            "per-expert loop (tokens pre-sorted by expert): for each active expert F.linear gate_up -> chunk -> "
            "silu * up -> F.linear down, then torch.cat of the expert outputs; router, sort and scatter NOT included",
            {"num_tokens": "tokens routed (each to top_k experts)", "hidden": "model hidden size",
             "inter": "expert intermediate size", "num_experts": "experts in the layer",
             "top_k": "experts per token", "latency": "milliseconds per MoE layer (the whole loop)"}),
}


def stage_measure(name, args, device, env):
    stem, fn, writer, what, columns = MEASURE[name]
    res = fn(device, args.tiny, args.budget_s, log)
    csv_path = os.path.join(args.out, stem + ".csv")
    writer(csv_path, res["rows"])
    meta = {"description": "Measured by FlowSim for the JVM's demo/capture/capture_extra.py (stage %s): %s"
                           % (name, what),
            "csv": stem + ".csv", "csv_columns": columns,
            "method": ks.__doc__.strip() if device.type == "cuda" else "CPU dry run, not a measurement",
            "gpu_clocks": "left as found (no clock locking); nvidia-smi output in environment",
            "l2_cache_bytes": ks.l2_bytes(device), "budget_s": args.budget_s,
            "row_count": len(res["rows"]), "environment": env}
    meta.update({k: v for k, v in res.items() if k != "rows"})
    meta["rows"] = res["rows"]
    json_path = os.path.join(args.out, stem + ".json")
    write_json(json_path, meta)
    log("  %s: %d rows, %d errors, %d skipped for time, %.1f s" % (
        stem, len(res["rows"]), len(res["errors"]), len(res["skipped_for_time_budget"]), res.get("elapsed_s", 0)))
    if res["errors"]:
        for e in res["errors"][:10]:
            log("    error: %s" % (e,))
    return [csv_path, json_path]


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("CUDA requested but not available (use --dry-run on CPU)")
    device = torch.device("cuda", 0) if args.device == "cuda" else torch.device("cpu")
    dtype = torch.bfloat16
    env = capture.environment(device)
    env.update({"capture_script": "demo/capture/capture_extra.py", "capture_script_version": SCRIPT_VERSION,
                "stages": args.stages})
    tag = capture.gpu_tag(device)
    log("torch %s, cuda %s, device %s, stages %s" % (torch.__version__, torch.version.cuda,
                                                     env.get("gpu_name") or "cpu", args.stages))
    status = {"stages": {}, "files": []}
    t_all = time.time()
    for st in args.stages:
        log("\n=== stage %s ===" % st)
        t0 = time.time()
        try:
            if st == "trace_graph":
                files = stage_trace_graph(args, device, dtype, env, tag)
            elif st == "trace_compile":
                files = stage_trace_compile(args, device, dtype, env, tag)
            elif st == "trace_streams":
                files = stage_trace_streams(args, device, dtype, env, tag)
            else:
                files = stage_measure(st, args, device, env)
            status["stages"][st] = {"ok": True, "seconds": time.time() - t0}
            status["files"] += [os.path.basename(f) for f in files]
        except Exception as exc:
            log("ERROR: stage %s failed:" % st)
            traceback.print_exc()
            status["stages"][st] = {"ok": False, "seconds": time.time() - t0,
                                    "error": "%s: %s" % (type(exc).__name__, str(exc)[:2000]),
                                    "traceback": traceback.format_exc()[-4000:]}
            cleanup(device)
        cleanup(device)
        log("  stage %s: %.1f s" % (st, time.time() - t0))
    status["total_s"] = time.time() - t_all
    status["environment"] = env
    sp = os.path.join(args.out, "extra_run_status_%s.json" % "-".join(args.stages))
    write_json(sp, status)
    log("\n=== summary (%.1f s) ===" % status["total_s"])
    for st, s in status["stages"].items():
        log("  %-14s %s %.1f s %s" % (st, "ok    " if s["ok"] else "FAILED", s["seconds"], s.get("error", "")[:200]))
    for f in sorted(os.listdir(args.out)):
        log("  %-80s %10d" % (f, os.path.getsize(os.path.join(args.out, f))))
    return 0 if all(s["ok"] for s in status["stages"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
