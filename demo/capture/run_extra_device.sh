#!/usr/bin/env bash
# The second device run (capture_extra.py), as it was run on the H200 through the `run` tool:
#   bash demo/capture/run_extra_device.sh "$OUT"
# Three processes, so that the measurements run with no profiler (CUPTI) state in the process and
# a slow torch.compile cannot eat the time of the other stages. Each process's outputs are packed
# into one tar.gz as soon as it ends (the device tool returns at most 8 files).
# Never changes GPU clocks or settings.
set -u
OUT=${1:?usage: run_extra_device.sh OUT}
S=demo/capture/capture_extra.py
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/../.."
nvidia-smi
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,clocks.max.mem,temperature.gpu,power.draw,power.limit --format=csv
which python3; python3 -c "import torch, triton; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version(), 'triton', triton.__version__)"

T0=$(date +%s)
timeout -k 5 100 python3 $S --out "$OUT/traces" --stages trace_graph,trace_streams
echo "TRACES_RC=$? after $(( $(date +%s) - T0 )) s"
tar czf "$OUT/traces.tar.gz" -C "$OUT" traces && rm -rf "$OUT/traces"

timeout -k 5 130 python3 $S --out "$OUT/measure" --stages attn,fp8gemm,membound,moe --budget-s 22
echo "MEASURE_RC=$? after $(( $(date +%s) - T0 )) s"
tar czf "$OUT/measure.tar.gz" -C "$OUT" measure && rm -rf "$OUT/measure"

# torch.compile starts Inductor worker processes: its output goes to a file, not through the pipe
timeout -k 5 130 python3 $S --out "$OUT/compile" --stages trace_compile > "$OUT/compile_log.txt" 2>&1
echo "COMPILE_RC=$? after $(( $(date +%s) - T0 )) s"
tail -n 40 "$OUT/compile_log.txt"
tar czf "$OUT/compile.tar.gz" -C "$OUT" compile && rm -rf "$OUT/compile"

nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv
ls -la "$OUT"
