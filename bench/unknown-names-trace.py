#!/usr/bin/env python3
"""Write a synthetic stress trace: N GPU kernels, each with a distinct made-up name.

A stress input for the kernel-name lookup of the kernels-json resolver (docs/performance.md,
"Many distinct unknown kernel names"), not a measurement of anything: no real workload has a
million distinct kernel names. Every kernel gets the runtime call that launched it (same
correlation id) on one CPU thread, one after another on one stream of one H200; the names are
made up so that no kernels.json entry knows them, and they are as long as real templated CUDA
kernel names (about 150 characters). Nothing is copied from a real trace. Write it outside the
repository; it is never committed.

usage: unknown-names-trace.py N OUT.json.gz
"""
import gzip
import json
import sys

# the device properties of an H200 as the PyTorch profiler records them (public figures)
DEVICE = {"id": 0, "name": "NVIDIA H200", "totalGlobalMem": 150109880320, "computeMajor": 9,
          "computeMinor": 0, "maxThreadsPerBlock": 1024, "maxThreadsPerMultiprocessor": 2048,
          "regsPerBlock": 65536, "warpSize": 32, "sharedMemPerBlock": 49152, "numSms": 132}


def name(i):
    return ("void made_up_namespace::synthetic_unknown_kernel_%07d<%d, %d, true>"
            "(made_up_namespace::SyntheticParams<%d>, float const*, float*, int, int)"
            % (i, 32 << (i % 4), 1 + i % 7, i % 13))


def main(count, dst):
    with gzip.open(dst, "wt", compresslevel=3) as f:
        f.write('{"schemaVersion": 1, "deviceProperties": [%s],\n"traceEvents": [\n' % json.dumps(DEVICE))
        ts = 1000000.0
        for i in range(count):
            corr = i + 1
            launch = {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100,
                      "ts": round(ts, 3), "dur": 2.0, "args": {"cbid": 211, "correlation": corr}}
            kernel = {"ph": "X", "cat": "kernel", "name": name(i), "pid": 0, "tid": 7,
                      "ts": round(ts + 3.0, 3), "dur": 1.5 + i % 5,
                      "args": {"device": 0, "stream": 7, "correlation": corr, "grid": [128, 1, 1],
                               "block": [256, 1, 1]}}
            f.write(json.dumps(launch))
            f.write(",\n")
            f.write(json.dumps(kernel))
            f.write(",\n" if i + 1 < count else "\n")
            ts += 10.0
        f.write("]}\n")


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__.strip().splitlines()[-1])
    main(int(sys.argv[1]), sys.argv[2])
