#!/usr/bin/env bash
# Traces per minute of `flowsim spark` at local[1] and local[2] (docs/performance.md).
# Makes N trace files (default 50) as symbolic links, under new names, to the demo traces and the
# shared traces, in a temporary directory that is removed afterwards: nothing is copied or committed.
# Needs the distribution and the Spark assembly: mvn -B -pl flowsim-spark -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FLOWSIM_SHARED_DIR:-$root/../shared}"
count="${1:-50}"
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
echo "benchmark: $count traces (links to ${#sources[@]} distinct files), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

for master in 'local[1]' 'local[2]'; do
  out="$work/out-${master//[^a-z0-9]/}"
  line="$("$root/flowsim" --quiet spark --master "$master" --traces "$work/fleet" --output "$out")"
  echo "$master: $line"
  seconds="$(sed -E 's/.* in ([0-9.]+) s \(after.*/\1/' <<<"$line")"
  awk -v n="$count" -v s="$seconds" -v m="$master" \
    'BEGIN { printf "%s: %.1f traces per minute (job time %.1f s, Spark start excluded)\n", m, 60 * n / s, s }'
done
