#!/usr/bin/env bash
# Traces per minute, CPU seconds per trace and cores used per running task of `flowsim spark`
# (docs/performance.md, "Fleets on Spark"). One command: builds the Spark assembly first when it is missing.
#
#   flowsim-spark/benchmark.sh [N [MASTER[,task.cpus=K]...]]
#
# Makes N trace files (default 50) as symbolic links, under new names, to the demo traces and the
# shared traces, in a temporary directory that is removed afterwards: nothing is copied or committed.
# Runs the job once per MASTER (default: local[1], local[2], and local[2] with spark.task.cpus=2),
# each into a fresh output directory. ",task.cpus=K" sets spark.task.cpus for that run: each task then
# may use K threads (the trace source inflates gzip on a thread of its own), and K times fewer tasks
# run at once. FLOWSIM_BENCH_ARGS adds options for flowsim before `spark` (e.g. --plugins-dir DIR).
# Wall time depends on what else the machine runs; CPU time (the job JVM's, which in local mode runs
# every task) hardly does, so it is the figure to compare across machines and loads. The load average
# is printed before each run: compare wall times only from runs on an otherwise idle machine.
# FLOWSIM_BENCH_PIN=1 runs each job on as many cores as its master has task slots (local[N]: cores
# 0..N-1, with taskset), so local[1] really has one core, JIT compiler and garbage collector included,
# and local[2] two: traces per minute against cores, the scaling a cluster of such executors sees.
# Pinned runs use G1 unless FLOWSIM_SPARK_OPTS names a collector: a JVM that sees one CPU would pick
# the serial collector by itself, and one core against two would then also compare two collectors.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FLOWSIM_SHARED_DIR:-$root/../shared}"
count="${1:-50}"
masters=("${@:2}")
[[ ${#masters[@]} -gt 0 ]] || masters=('local[1]' 'local[2]' 'local[2],task.cpus=2')
read -r -a flowsim_args <<<"${FLOWSIM_BENCH_ARGS:-}"
pin="${FLOWSIM_BENCH_PIN:-0}"
if [[ "$pin" == 1 ]] && ! command -v taskset >/dev/null; then
  echo "benchmark: FLOWSIM_BENCH_PIN=1 needs taskset (util-linux)" >&2
  exit 2
fi

if [[ ! -d "$root/flowsim-spark/target/flowsim-spark/lib" && -z "${FLOWSIM_SPARK_HOME:-}" ]]; then
  echo "benchmark: building the Spark assembly (mvn -B -q -pl flowsim-spark -am package -DskipTests)" >&2
  (cd "$root" && mvn -B -q -pl flowsim-spark -am package -DskipTests)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sources=("$root"/demo/traces/*.trace.json.gz)
if [[ -d "$shared/data/traces" ]]; then
  while IFS= read -r f; do sources+=("$f"); done < <(find "$shared/data/traces" -name '*.json.gz' | sort)
fi
mkdir -p "$work/fleet"
for ((i = 0; i < count; i++)); do
  src="${sources[i % ${#sources[@]}]}"
  ln -s "$src" "$work/fleet/$(printf 'copy%03d' "$i")_$(basename "$src")"
done
echo "benchmark: $count traces (links to ${#sources[@]} distinct files), $(nproc) cores, $(java -version 2>&1 | head -1)"

for spec in "${masters[@]}"; do
  master="${spec%%,*}"
  cpus=1
  [[ "$spec" == *,task.cpus=* ]] && cpus="${spec##*,task.cpus=}"
  slots="$(sed -E 's/^local\[([0-9]+)\]$/\1/' <<<"$master")"
  [[ "$slots" =~ ^[0-9]+$ ]] || slots="$(nproc)"
  tasks=$((slots / cpus > 0 ? slots / cpus : 1))
  out="$work/out-${spec//[^a-z0-9]/}"
  pinning=()
  cores="all $(nproc) cores"
  if [[ "$pin" == 1 ]]; then
    if ((slots > $(nproc))); then
      echo "benchmark: $master has $slots task slots, more than the $(nproc) cores to pin it to" >&2
      exit 2
    fi
    pinning=(taskset -c "0-$((slots - 1))")
    cores="pinned to $slots core(s)"
  fi
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  gc=""
  [[ "$pin" == 1 && "${FLOWSIM_SPARK_OPTS:-}" != *GC* ]] && gc="-XX:+UseG1GC"
  line="$(FLOWSIM_SPARK_OPTS="${FLOWSIM_SPARK_OPTS:-} $gc -Dspark.task.cpus=$cpus" \
    "${pinning[@]}" "$root/flowsim" --quiet "${flowsim_args[@]}" spark --master "$master" --traces "$work/fleet" --output "$out")"
  echo "$spec ($cores): $line"
  seconds="$(sed -E 's/.* in ([0-9.]+) s \(after.*/\1/' <<<"$line")"
  cpu="$(sed -E 's/.*, ([0-9.]+) s of CPU in the driver JVM.*/\1/' <<<"$line")"
  awk -v n="$count" -v s="$seconds" -v c="$cpu" -v m="$spec" -v l="$load" -v t="$tasks" \
    'BEGIN { printf "%s: %.1f traces per minute (job time %.1f s, Spark start excluded); %.2f CPU s per trace (%.1f s in all); %.2f cores busy per running task (%d at once); load average before: %s\n", m, 60 * n / s, s, c / n, c, c / s / t, t, l }'
done
