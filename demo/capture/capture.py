#!/usr/bin/env python3
"""Capture FlowSim demo traces: plain-PyTorch decoder models (random bf16 weights), a prefill and
decode steps with a KV cache, under torch.profiler; plus a measured bf16 GEMM latency sweep and a
device-to-device copy bandwidth measurement.

GPU run (writes 7 files into OUT):
    python3 demo/capture/capture.py --out OUT

CPU dry run (tiny widths, same structure, old or new torch):
    /usr/bin/python3 demo/capture/capture.py --out /tmp/dry --device cpu --tiny

See demo/capture/README.md.
"""

import argparse
import datetime
import gc
import gzip
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import flowsim_models as fm  # noqa: E402
import gemm_sweep  # noqa: E402
import trace_stats  # noqa: E402

SCRIPT_VERSION = "1"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory (created if missing)")
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--tiny", action="store_true",
                   help="tiny widths (same structure) for CPU dry runs")
    p.add_argument("--dry-run", action="store_true",
                   help="shorthand for --device cpu --tiny with a small batch/prompt")
    p.add_argument("--models", default="llama3-8b,qwen3-30b-a3b",
                   help="comma list of: " + ",".join(fm.MODELS))
    p.add_argument("--layers", type=int, default=4, help="decoder layers per model")
    p.add_argument("--moe-layers", type=int, default=None,
                   help="layers for MoE models (default: --layers)")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--prompt-len", type=int, default=1024)
    p.add_argument("--decode-steps", type=int, default=8)
    p.add_argument("--warmup-iters", type=int, default=2,
                   help="unprofiled prefill+decode iterations before profiling")
    p.add_argument("--timed-iters", type=int, default=3,
                   help="unprofiled iterations timed with CUDA events (per-step latency)")
    p.add_argument("--rmsnorm", default="auto", choices=["auto", "functional", "manual"])
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--max-trace-mb", type=float, default=10.0,
                   help="warn (exit code 3 at the end) if a compressed trace exceeds this")
    p.add_argument("--skip-gemm", action="store_true")
    p.add_argument("--skip-traces", action="store_true")
    p.add_argument("--gemm-budget-s", type=float, default=60.0)
    p.add_argument("--copy-sizes-mib", default="256,1024,4096")
    a = p.parse_args(argv)
    if a.dry_run:
        a.device = "cpu"
        a.tiny = True
        if "--batch" not in argv:
            a.batch = 2
        if "--prompt-len" not in argv:
            a.prompt_len = 32
        if "--decode-steps" not in argv:
            a.decode_steps = 3
        if "--warmup-iters" not in argv:
            a.warmup_iters = 1
        if "--timed-iters" not in argv:
            a.timed_iters = 1
    if a.moe_layers is None:
        a.moe_layers = a.layers
    return a


def gpu_tag(device):
    if device.type != "cuda":
        return "cpu"
    name = torch.cuda.get_device_name(device).lower()
    for prefix in ("nvidia ", "amd "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    tag = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-")
    while "--" in tag:
        tag = tag.replace("--", "-")
    return tag or "gpu"


def run_cmd(cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30,
                           universal_newlines=True)
        return {"cmd": " ".join(cmd), "rc": r.returncode, "output": r.stdout.strip()}
    except (OSError, subprocess.SubprocessError) as exc:
        return {"cmd": " ".join(cmd), "rc": None, "error": repr(exc)}


def environment(device):
    env = {
        "capture_script": "demo/capture/capture.py",
        "capture_script_version": SCRIPT_VERSION,
        "command_line": " ".join([sys.executable] + sys.argv),
        "capture_date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "hostname": socket.gethostname(),
        "torch_version": torch.__version__,
        "torch_cuda_version": torch.version.cuda,
        "cudnn_version": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
        "capabilities": fm.capabilities(),
        "device_type": device.type,
    }
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        env["gpu_name"] = torch.cuda.get_device_name(device)
        env["gpu_properties"] = {
            "total_memory_bytes": props.total_memory,
            "multi_processor_count": props.multi_processor_count,
            "compute_capability": "%d.%d" % (props.major, props.minor),
            "L2_cache_size_bytes": getattr(props, "L2_cache_size", None),
        }
        env["nvidia_smi"] = run_cmd(["nvidia-smi", "--query-gpu=name,driver_version,pci.bus_id,"
                                     "memory.total,clocks.max.sm,clocks.max.mem,power.limit",
                                     "--format=csv"])
    else:
        env["gpu_name"] = None
    return env


def attention_impl():
    if fm.HAS_SDPA_GQA:
        return "torch.nn.functional.scaled_dot_product_attention(enable_gqa=True)"
    if fm.HAS_SDPA:
        return "torch.nn.functional.scaled_dot_product_attention on K/V expanded by repeat_interleave"
    return "math fallback (torch < 2.0): matmul, masked softmax, matmul"


def range_fn(name):
    return torch.profiler.record_function(name)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed_runs(run_once, n, steps, device):
    """Per-step latency (ms) over n runs of run_once(hook): CUDA events on the GPU, perf_counter on
    the CPU. run_once must call hook(name, "begin"/"end") around "prefill" and "decode_step_<i>"."""
    per_step = {}
    for _ in range(n):
        marks = {}

        def hook(name, phase):
            if device.type == "cuda":
                ev = torch.cuda.Event(enable_timing=True)
                ev.record()
                marks[(name, phase)] = ev
            else:
                marks[(name, phase)] = time.perf_counter()

        sync(device)
        run_once(hook)
        sync(device)
        for name in ["prefill"] + ["decode_step_%d" % i for i in range(steps)]:
            b, e = marks[(name, "begin")], marks[(name, "end")]
            ms = b.elapsed_time(e) if device.type == "cuda" else (e - b) * 1000.0
            per_step.setdefault(name, []).append(ms)
    return {k: {"median_ms": statistics.median(v), "samples_ms": v} for k, v in per_step.items()}


def timed_steps(model, cache, prompt, args, sampling, device):
    """Unprofiled per-step latency (ms) of generate()."""
    return timed_runs(lambda hook: fm.generate(model, cache, prompt, args.decode_steps, sampling, None, hook),
                      args.timed_iters, args.decode_steps, device)


def capture_model(model_key, args, device, dtype, out_dir, env, tag):
    cfg = fm.MODELS[model_key]
    if args.tiny:
        cfg = fm.tiny_config(cfg)
    layers = args.moe_layers if cfg["moe"] is not None else args.layers
    b, t, steps = args.batch, args.prompt_len, args.decode_steps
    max_len = t + steps
    sampling = cfg["sampling"]
    stem = "%s_%s-%dlayer_prefill%dx%d_decode%d" % (tag, cfg["name"], layers, b, t, steps)
    print("\n=== %s: %d layers, prefill %dx%d, %d decode steps, %s sampling ===" % (
        cfg["name"], layers, b, t, steps, sampling))
    t0 = time.time()
    torch.manual_seed(args.seed)
    model = fm.DecoderModel(cfg, layers, max_len, args.rmsnorm, device, dtype)
    model.init_random(args.seed)
    model.eval()
    cache = fm.new_kv_cache(cfg, layers, b, max_len, device, dtype)
    gen = torch.Generator(device="cpu")
    gen.manual_seed(args.seed + 1)
    prompt = torch.randint(0, cfg["vocab_size"], (b, t), generator=gen).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    sync(device)
    print("  built: %.2f B params (%.1f GiB) in %.1f s" % (n_params / 1e9, n_params * 2 / 2**30, time.time() - t0))

    t1 = time.time()
    for _ in range(args.warmup_iters):
        fm.generate(model, cache, prompt, steps, sampling)
    sync(device)
    print("  warm-up: %d iterations in %.1f s" % (args.warmup_iters, time.time() - t1))

    timing = timed_steps(model, cache, prompt, args, sampling, device) if args.timed_iters > 0 else {}
    if timing:
        dec = [v["median_ms"] for k, v in timing.items() if k != "prefill"]
        print("  unprofiled latency: prefill %.3f ms, decode step median %.3f ms" % (
            timing["prefill"]["median_ms"], statistics.median(dec) if dec else float("nan")))

    activities = [torch.profiler.ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(torch.profiler.ProfilerActivity.CUDA)
    sync(device)
    t2 = time.time()
    with torch.profiler.profile(activities=activities, record_shapes=True, with_stack=True) as prof:
        tokens = fm.generate(model, cache, prompt, steps, sampling, range_fn)
        sync(device)
    prof_s = time.time() - t2
    t3 = time.time()
    tmp_dir = tempfile.mkdtemp(prefix="flowsim_capture_")
    tmp_json = os.path.join(tmp_dir, stem + ".trace.json")
    prof.export_chrome_trace(tmp_json)
    trace_path = os.path.join(out_dir, stem + ".trace.json.gz")
    with open(tmp_json, "rb") as src, gzip.open(trace_path, "wb", compresslevel=9) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    raw_bytes = os.path.getsize(tmp_json)
    shutil.rmtree(tmp_dir)
    gz_bytes = os.path.getsize(trace_path)
    print("  profiled run %.1f s, export+gzip %.1f s: %s (%.2f MB gz, %.1f MB json)" % (
        prof_s, time.time() - t3, os.path.basename(trace_path), gz_bytes / 1e6, raw_bytes / 1e6))

    stats = trace_stats.summarize(trace_stats.load_trace(trace_path))
    meta = {
        "description": ("Real PyTorch-profiler (Kineto) trace captured by FlowSim for the JVM's "
                        "demo/capture/capture.py: a plain-PyTorch decoder with random bf16 weights, "
                        "shaped like %s but cut to %d layers, running one prefill and %d decode "
                        "steps with a KV cache." % (cfg["shaped_like"], layers, steps)),
        "trace_file": os.path.basename(trace_path),
        "trace_bytes_gz": gz_bytes,
        "trace_bytes_json": raw_bytes,
        "model": {
            "config": cfg,
            "layers_run": layers,
            "parameters_run": n_params,
            "rmsnorm_impl": model.rmsnorm_impl,
            "attention": attention_impl(),
            "qkv": "fused qkv_proj", "mlp": "fused gate_up_proj + silu*up + down_proj"
            if cfg["moe"] is None else "router linear -> softmax(fp32) -> topk -> sort by expert "
            "-> per-expert F.linear gate_up / silu*up / F.linear down -> weighted index_add_",
            "lm_head": "last position of each sequence only",
            "sampling": sampling if sampling == "greedy" else "topk (k=50, temperature 0.7, multinomial)",
            "weights": "random normal(0, 0.02), norms = 1, seed %d" % args.seed,
        },
        "workload": {
            "batch": b,
            "prompt_len": t,
            "sequence_lengths_prefill": [t] * b,
            "decode_steps": steps,
            "kv_len_after_decode": t + steps,
            "dtype": str(dtype).replace("torch.", ""),
            "prompt": "random token ids (seed %d)" % (args.seed + 1),
            "warmup_iterations_before_profiling": args.warmup_iters,
            "record_function_ranges": ["prefill"] + ["decode_step_%d" % i for i in range(steps)],
            "generated_tokens_shape": list(tokens.shape),
        },
        "profiler": {
            "activities": [str(a) for a in activities],
            "record_shapes": True,
            "with_stack": True,
            "export": "prof.export_chrome_trace(json) then gzip -9",
        },
        "unprofiled_latency_ms": timing,
        "unprofiled_latency_method": ("%s around each step, median of %d runs (no profiler); "
                                      "MoE steps include one host sync per layer (expert counts)"
                                      % ("CUDA events" if device.type == "cuda" else "time.perf_counter",
                                         args.timed_iters)),
        "environment": env,
        "trace_summary": stats,
    }
    meta_path = os.path.join(out_dir, stem + ".meta.json")
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    del model, cache, prof
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return trace_path, meta_path, stats


def measure(args, device, out_dir, env):
    files = []
    shapes = gemm_sweep.tiny_shapes() if device.type == "cpu" else gemm_sweep.default_shapes()
    print("\n=== bf16 GEMM sweep: %d shapes, budget %.0f s ===" % (len(shapes), args.gemm_budget_s))
    res = gemm_sweep.run_gemm_sweep(device, shapes, args.gemm_budget_s)
    csv_path = os.path.join(out_dir, "gemm_bf16.csv")
    gemm_sweep.write_gemm_csv(csv_path, res["rows"])
    meta = {
        "description": ("Measured bf16 GEMM latency of torch.nn.functional.linear(a[m,k], w[n,k]) "
                        "(y = a @ w.T), captured by FlowSim for the JVM's demo/capture/capture.py."),
        "csv": "gemm_bf16.csv",
        "csv_columns": {"gemm_dtype": "bfloat16 (inputs, weights and output)", "m": "rows of a (tokens)",
                        "n": "output features (rows of w)", "k": "input features",
                        "latency": "milliseconds per call (same unit as aiconfigurator gemm_perf)"},
        "method": gemm_sweep.__doc__.strip() if device.type == "cuda" else "CPU dry run, not a measurement",
        "gpu_clocks": "left as found (no clock locking); nvidia-smi output in environment",
        "shapes_source": {"model_shapes": gemm_sweep.MODEL_SHAPES, "model_ms": gemm_sweep.MODEL_MS,
                          "square_nk": gemm_sweep.SQUARE_NK, "square_ms": gemm_sweep.SQUARE_MS},
        "elapsed_s": res["elapsed_s"],
        "skipped_for_time_budget": res["skipped_for_time_budget"],
        "l2_cache_bytes_assumed": res["l2_cache_bytes_assumed"],
        "environment": env,
        "rows": res["rows"],
    }
    meta_path = os.path.join(out_dir, "gemm_bf16.json")
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    files += [csv_path, meta_path]
    if device.type == "cuda":
        sizes = [int(s) << 20 for s in args.copy_sizes_mib.split(",") if s.strip()]
        print("\n=== device-to-device copy bandwidth ===")
        bw = gemm_sweep.run_copy_bandwidth(device, sizes)
        bw_path = os.path.join(out_dir, "d2d_copy_bandwidth.json")
        with open(bw_path, "w") as f:
            json.dump({"description": "Device-to-device copy dst.copy_(src) of uint8 tensors, timed "
                                      "with CUDA events (3 warm-ups, median of trials); GB/s = 1e9 B/s",
                       "results": bw, "environment": env}, f, indent=1)
            f.write("\n")
        files.append(bw_path)
    return files, res


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("CUDA requested but torch.cuda.is_available() is False (use --dry-run on CPU)")
    device = torch.device("cuda", 0) if args.device == "cuda" else torch.device("cpu")
    dtype = torch.bfloat16
    env = environment(device)
    print("torch %s, cuda %s, device %s, capabilities %s" % (
        torch.__version__, torch.version.cuda, env.get("gpu_name") or "cpu", env["capabilities"]))
    tag = gpu_tag(device)
    t_all = time.time()
    outputs = []
    trace_rows = []
    over_limit = []
    failures = []
    if not args.skip_traces:
        for key in [m.strip() for m in args.models.split(",") if m.strip()]:
            if key not in fm.MODELS:
                raise SystemExit("unknown model %r (known: %s)" % (key, ", ".join(fm.MODELS)))
            try:
                tp, mp, st = capture_model(key, args, device, dtype, args.out, env, tag)
            except Exception:  # reported, and the run exits non-zero; later stages still run
                print("ERROR: capture of %s failed:" % key)
                traceback.print_exc()
                failures.append("capture " + key)
                gc.collect()
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                continue
            outputs += [tp, mp]
            trace_rows.append((os.path.basename(tp), st))
            if os.path.getsize(tp) > args.max_trace_mb * 1e6:
                over_limit.append(tp)
    gemm_res = None
    if not args.skip_gemm:
        try:
            files, gemm_res = measure(args, device, args.out, env)
            outputs += files
        except Exception:  # reported, and the run exits non-zero
            print("ERROR: measurements failed:")
            traceback.print_exc()
            failures.append("measurements")

    print("\n=== summary (%.1f s total) ===" % (time.time() - t_all))
    print("%-72s %12s" % ("file", "bytes"))
    for p in outputs:
        print("%-72s %12d" % (os.path.basename(p), os.path.getsize(p)))
    for name, st in trace_rows:
        cats = st["events_by_category"]
        print("\n%s\n  events %d | kernels %d (%d distinct) | cpu_op %d (%d with Input Dims) | "
              "cuda_runtime %d | cuda_driver %d | python_function %d | kernel time %.1f us | "
              "devices %s | baseTimeNanoseconds %s | %s" % (
                  name, st["events_total"], st["kernels"], st["distinct_kernel_names"], st["cpu_ops"],
                  st["cpu_ops_with_input_dims"], cats.get("cuda_runtime", 0), cats.get("cuda_driver", 0),
                  cats.get("python_function", 0), st["kernel_time_total_us"],
                  st["deviceProperties_names"], st["has_baseTimeNanoseconds"], st["external_id_dialect"]))
        for row in st["top_kernels_by_time"][:8]:
            print("    %6d x %10.1f us  %s" % (row["count"], row["total_us"], row["name"][:110]))
    if gemm_res is not None:
        print("\ngemm rows: %d, skipped for time budget: %d, %.1f s" % (
            len(gemm_res["rows"]), len(gemm_res["skipped_for_time_budget"]), gemm_res["elapsed_s"]))
    if failures:
        print("FAILED stages: %s" % ", ".join(failures))
        return 1
    if over_limit:
        print("WARNING: traces over %.1f MB: %s" % (args.max_trace_mb, over_limit))
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
