"""Stand-in for `python -m sglang.launch_server` (FlowSim tests and demos). NOT sglang.

Serves, like sglang's HTTP server:
  GET  /health, /health_generate   503 while starting, 200 when ready
  GET  /get_model_info             200 with a small JSON object when ready
  POST /generate                   answers with a fixed text; requests made while profiling are recorded
  POST /start_profile              starts "profiling" (optional JSON body: {"output_dir": ...})
  POST /stop_profile               answers at once, then writes one trace per TP rank asynchronously
  POST /flush_cache                200

Trace files are named like sglang's, <profile id>-TP-<rank>.trace.json.gz, in the directory given
by SGLANG_TORCH_PROFILER_DIR (or output_dir of /start_profile). Their content is a small,
hand-written trace in the Kineto Chrome-trace format (see build_trace), not profiler output.

Like sglang, the server starts one "scheduler" process per TP rank. Options for testing failure
cases start with --standin-; every other unknown option (--model-path, --load-format, ...) is
accepted and ignored.
"""

import argparse
import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A scheduler process: sleeps until stopped. With "watch" it exits when its parent dies (sglang's
# schedulers do the same); with "orphan" it stays, to test that FlowSim finds re-parented processes.
WORKER = r"""
import os, signal, sys, time
role, rank, mode, sigterm = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
if sigterm == "ignore":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
parent = os.getppid()
while True:
    time.sleep(0.2)
    if mode == "watch" and os.getppid() != parent:
        sys.exit(0)
"""


def log(message):
    print("[stand-in server] " + message, file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="sglang.launch_server (FlowSim stand-in)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=30000)
    p.add_argument("--tp-size", "--tp", dest="tp", type=int, default=1)
    p.add_argument("--model-path", default="stand-in")
    p.add_argument("--standin-startup-delay", type=float, default=0.5,
                   help="seconds before the server answers /health with 200")
    p.add_argument("--standin-never-ready", action="store_true", help="answer /health with 503 forever")
    p.add_argument("--standin-exit-after", type=float, help="crash (exit without cleanup) after this many seconds")
    p.add_argument("--standin-exit-code", type=int, default=1, help="the exit code of the crash")
    p.add_argument("--standin-orphan-workers", action="store_true",
                   help="scheduler processes keep running when the server dies")
    p.add_argument("--standin-ignore-sigterm", action="store_true",
                   help="the server and its schedulers ignore SIGTERM (only SIGKILL stops them)")
    p.add_argument("--standin-trace-delay", type=float, default=0.3,
                   help="seconds between /stop_profile and each rank's trace, and inside each write")
    p.add_argument("--standin-no-trace", action="store_true", help="write no trace on /stop_profile")
    p.add_argument("--standin-marker", default="", help="any text; lets tests find these processes")
    return p.parse_known_args(argv)


class State:
    def __init__(self, args):
        self.args = args
        self.ready = False
        self.lock = threading.Lock()
        self.profiling = False
        self.output_dir = None
        self.requests = []


def kineto_trace(rank, world_size, requests, trace_name):
    """A small trace in the Kineto Chrome-trace format (hand-written structure, made-up values):
    per request an aten::mm and an aten::add, each with its cudaLaunchKernel, its kernel and the
    ac2g flow between them; deviceProperties, distributedInfo and baseTimeNanoseconds as Kineto
    writes them (baseTimeNanoseconds after traceEvents, as in real files)."""
    pid = os.getpid()
    tid = threading.get_native_id()
    stream = 7
    events = [
        {"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": "python3"}},
        {"ph": "M", "name": "process_labels", "pid": pid, "tid": 0, "args": {"labels": "CPU"}},
        {"ph": "M", "name": "process_name", "pid": rank, "tid": 0, "args": {"name": "python3"}},
        {"ph": "M", "name": "process_labels", "pid": rank, "tid": 0, "args": {"labels": "GPU %d" % rank}},
        {"ph": "M", "name": "thread_name", "pid": rank, "tid": stream, "args": {"name": "stream %d " % stream}},
        {"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": "thread %d (stand-in)" % tid}},
    ]
    ts = 1000.0
    external_id = 1
    correlation = 1
    for request in requests or [{"input_len": 16, "output_len": 1}]:
        tokens = max(1, int(request.get("input_len", 16)))
        ops = [
            ("aten::mm", "standin_gemm_bf16_kernel", [[tokens, 4096], [4096, 4096]],
             ["c10::BFloat16", "c10::BFloat16"], 48.5, [128, 1, 1]),
            ("aten::add", "standin_elementwise_add_kernel", [[tokens, 4096], [tokens, 4096], []],
             ["c10::BFloat16", "c10::BFloat16", "Scalar"], 4.25, [max(1, tokens * 4096 // 512), 1, 1]),
        ]
        for op, kernel, dims, types, duration, grid in ops:
            events.append({"ph": "X", "cat": "cpu_op", "name": op, "pid": pid, "tid": tid, "ts": ts, "dur": 20.0,
                           "args": {"External id": external_id, "Record function id": 0, "Ev Idx": external_id - 1,
                                    "Input Dims": dims, "Input type": types,
                                    "Concrete Inputs": ["" for _ in dims]}})
            events.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": pid, "tid": tid,
                           "ts": ts + 2.0, "dur": 6.0,
                           "args": {"External id": external_id, "cbid": 211, "correlation": correlation}})
            events.append({"ph": "X", "cat": "kernel", "name": kernel, "pid": rank, "tid": stream,
                           "ts": ts + 12.0, "dur": duration,
                           "args": {"External id": external_id, "queued": 0, "device": rank, "context": 1,
                                    "stream": stream, "correlation": correlation, "registers per thread": 64,
                                    "shared memory": 0, "blocks per SM": grid[0] / 132.0,
                                    "warps per SM": grid[0] / 132.0 * 8, "grid": grid, "block": [256, 1, 1],
                                    "est. achieved occupancy %": 50}})
            events.append({"ph": "s", "id": correlation, "pid": pid, "tid": tid, "ts": ts + 2.0,
                           "cat": "ac2g", "name": "ac2g"})
            events.append({"ph": "f", "id": correlation, "pid": rank, "tid": stream, "ts": ts + 12.0,
                           "cat": "ac2g", "name": "ac2g", "bp": "e"})
            ts += 30.0 + duration
            external_id += 1
            correlation += 1
    events.append({"ph": "X", "cat": "Trace", "name": "PyTorch Profiler (0)", "pid": "Spans",
                   "tid": "PyTorch Profiler", "ts": 1000.0, "dur": ts - 1000.0, "args": {"Op count": 0}})
    device = {"id": rank, "name": "FlowSim stand-in GPU", "totalGlobalMem": 150110666752, "computeMajor": 9,
              "computeMinor": 0, "maxThreadsPerBlock": 1024, "maxThreadsPerMultiprocessor": 2048,
              "regsPerBlock": 65536, "regsPerMultiprocessor": 65536, "warpSize": 32,
              "sharedMemPerBlock": 49152, "sharedMemPerMultiprocessor": 233472, "numSms": 132,
              "sharedMemPerBlockOptin": 232448}
    return {
        "schemaVersion": 1,
        "deviceProperties": [dict(device, id=i) for i in range(world_size)],
        "record_shapes": 1,
        "with_stack": 0,
        "distributedInfo": {"backend": "nccl", "rank": rank, "world_size": world_size},
        "traceEvents": events,
        "baseTimeNanoseconds": time.time_ns() - 10 ** 9,
        "traceName": trace_name,
    }


def write_traces(state, directory, requests):
    """Like sglang after /stop_profile: every rank exports its trace on its own, some time after the
    request returned, and the .gz file grows while it is written."""
    args = state.args
    profile_id = str(time.time())
    os.makedirs(directory, exist_ok=True)
    for rank in range(args.tp):
        time.sleep(args.standin_trace_delay)
        name = "%s-TP-%d.trace.json.gz" % (profile_id, rank)
        path = os.path.join(directory, name)
        data = json.dumps(kineto_trace(rank, args.tp, requests, path)).encode("utf-8")
        with open(path, "wb") as raw:
            with gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=raw) as gz:
                half = len(data) // 2
                gz.write(data[:half])
                gz.flush()
                raw.flush()
                time.sleep(args.standin_trace_delay)
                gz.write(data[half:])
        log("wrote trace %s (%d bytes of JSON)" % (path, len(data)))


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *fargs):
            if not self.path.startswith("/health"):
                log("%s %s" % (self.address_string(), fmt % fargs))

        def reply(self, status, body, content_type="text/plain"):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                return json.loads(raw) if raw else {}
            except ValueError:
                return {}

        def do_GET(self):
            self.route(None)

        def do_POST(self):
            self.route(self.body())

        def route(self, body):
            path = self.path.split("?")[0]
            if path in ("/health", "/health_generate"):
                ready = state.ready and not state.args.standin_never_ready
                self.reply(200 if ready else 503, "" if ready else "server is starting")
            elif path == "/get_model_info":
                if state.ready and not state.args.standin_never_ready:
                    self.reply(200, json.dumps({"model_path": state.args.model_path, "is_generation": True,
                                                "stand_in": True}), "application/json")
                else:
                    self.reply(503, "server is starting")
            elif path == "/start_profile":
                with state.lock:
                    state.profiling = True
                    state.requests = []
                    state.output_dir = (body or {}).get("output_dir") or os.environ.get(
                        "SGLANG_TORCH_PROFILER_DIR", "/tmp")
                log("start profiling, traces go to %s" % state.output_dir)
                self.reply(200, "Start profiling.\n")
            elif path == "/stop_profile":
                with state.lock:
                    if not state.profiling:
                        self.reply(400, "Profiling is not in progress. Call /start_profile first.\n")
                        return
                    state.profiling = False
                    requests = list(state.requests)
                    directory = state.output_dir
                if not state.args.standin_no_trace:
                    threading.Thread(target=write_traces, args=(state, directory, requests), daemon=True).start()
                self.reply(200, "Stop profiling. This will take some time.\n")
            elif path == "/generate":
                body = body or {}
                input_len = int(body.get("standin_input_len", 16))
                output_len = int((body.get("sampling_params") or {}).get("max_new_tokens", 1))
                with state.lock:
                    if state.profiling:
                        state.requests.append({"input_len": input_len, "output_len": output_len})
                self.reply(200, json.dumps({"text": " stand-in" * output_len,
                                            "meta_info": {"prompt_tokens": input_len,
                                                          "completion_tokens": output_len}}),
                           "application/json")
            elif path == "/flush_cache":
                self.reply(200, "Cache flushed.\n")
            else:
                self.reply(404, "not found\n")

    return Handler


def main():
    args, unknown = parse_args(sys.argv[1:])
    log("FlowSim stand-in for sglang.launch_server (NOT sglang), pid %d, %s:%d, tp %d"
        % (os.getpid(), args.host, args.port, args.tp))
    if unknown:
        log("ignoring options a stand-in does not need: %s" % " ".join(unknown))
    for variable in ("SGLANG_TORCH_PROFILER_DIR", "SGLANG_PROFILE_KERNELS"):
        log("environment %s=%s" % (variable, os.environ.get(variable, "<unset>")))

    state = State(args)
    sigterm = "ignore" if args.standin_ignore_sigterm else "default"
    mode = "orphan" if args.standin_orphan_workers else "watch"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, "standin-scheduler", "TP-%d" % rank, mode, sigterm,
                                 "--standin-marker", args.standin_marker])
               for rank in range(args.tp)]
    log("started %d scheduler process(es): %s" % (len(workers), " ".join(str(w.pid) for w in workers)))

    if args.standin_ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        def on_sigterm(signum, frame):
            log("SIGTERM: stopping the schedulers and exiting")
            for w in workers:
                w.terminate()
            os._exit(0)
        signal.signal(signal.SIGTERM, on_sigterm)

    if args.standin_exit_after is not None:
        def crash():
            log("simulated crash: exiting with code %d, schedulers left running" % args.standin_exit_code)
            os._exit(args.standin_exit_code)
        threading.Timer(args.standin_exit_after, crash).start()

    httpd = ThreadingHTTPServer((args.host, args.port), make_handler(state))
    httpd.daemon_threads = True

    def become_ready():
        time.sleep(args.standin_startup_delay)
        state.ready = True
        if not args.standin_never_ready:
            log("The server is fired up and ready to roll!")
    threading.Thread(target=become_ready, daemon=True).start()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
