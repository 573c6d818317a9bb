"""Stand-in for `python -m sglang.bench_serving` (FlowSim tests and demos). NOT sglang.

Does what the real benchmark does around profiling: with --profile it POSTs /start_profile, sends
--num-prompts requests to /generate (printing a tqdm-like progress line), POSTs /stop_profile and
prints a result block. Options for testing failure cases start with --standin-; every other unknown
option (--backend, --dataset-name, ...) is accepted and ignored.
"""

import argparse
import json
import signal
import sys
import time
import urllib.request


def parse_args(argv):
    p = argparse.ArgumentParser(prog="sglang.bench_serving (FlowSim stand-in)")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=30000)
    p.add_argument("--base-url", default=None)
    p.add_argument("--num-prompts", type=int, default=3)
    p.add_argument("--profile", action="store_true", help="call /start_profile and /stop_profile")
    p.add_argument("--prefill-decode-lens", default="1024:2", help="P:D, as FlowSim's defined-len dataset")
    p.add_argument("--standin-duration", type=float, default=0.0, help="extra seconds the benchmark runs")
    p.add_argument("--standin-exit-code", type=int, default=0, help="exit with this code at the end")
    p.add_argument("--standin-ignore-sigterm", action="store_true")
    p.add_argument("--standin-marker", default="", help="any text; lets tests find this process")
    return p.parse_known_args(argv)


def post(url, payload=None):
    data = json.dumps(payload).encode("utf-8") if payload is not None else b""
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode("utf-8")


def main():
    args, unknown = parse_args(sys.argv[1:])
    if args.standin_ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    base = (args.base_url or "http://%s:%d" % (host, args.port)).rstrip("/")
    print("FlowSim stand-in for sglang.bench_serving (NOT sglang): %s, %d prompt(s)%s"
          % (base, args.num_prompts, ", profiling" if args.profile else ""), flush=True)
    if unknown:
        print("ignoring options a stand-in does not need: %s" % " ".join(unknown), flush=True)
    prefill, decode = (int(x) for x in args.prefill_decode_lens.split(":"))

    if args.profile:
        status, text = post(base + "/start_profile")
        print("/start_profile: %d %s" % (status, text.strip()), flush=True)
    start = time.time()
    for i in range(args.num_prompts):
        post(base + "/generate", {"text": "stand-in prompt %d" % i, "standin_input_len": prefill,
                                  "sampling_params": {"max_new_tokens": decode}})
        sys.stderr.write("\r%3d%%|%s| %d/%d" % (100 * (i + 1) // args.num_prompts,
                                                 "#" * (i + 1), i + 1, args.num_prompts))
        sys.stderr.flush()
    sys.stderr.write("\n")
    end = time.time() + args.standin_duration
    while time.time() < end:
        print("stand-in benchmark running, %.0f s left" % (end - time.time()), flush=True)
        time.sleep(min(1.0, max(0.0, end - time.time())))
    if args.profile:
        status, text = post(base + "/stop_profile")
        print("/stop_profile: %d %s" % (status, text.strip()), flush=True)
    print("============ Serving Benchmark Result (stand-in) ============", flush=True)
    print("Successful requests: %d" % args.num_prompts, flush=True)
    print("Benchmark duration (s): %.2f" % (time.time() - start), flush=True)
    sys.exit(args.standin_exit_code)


if __name__ == "__main__":
    main()
