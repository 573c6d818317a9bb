#!/usr/bin/env bash
# Whole-process cold-start benchmark: times FlowSim commands, each in a new JVM, paired in the same
# run against reference command lines, and prints medians and ratios. See docs/performance.md.
#
# usage: bench/cold-start.sh [--runs N] [--flowsim CMD] [--commands LIST] [--ref NAME=CMDLINE]...
#                            [--no-default-refs] [--one-kernel] [--opts JVM_OPTS] TRACE...
#
#   --runs N            rounds (default 5); each round runs every command once, in a rotating order
#   --flowsim CMD       the launcher (default: the distribution's bin/flowsim; it is built if missing)
#   --commands LIST     comma-separated, from: parse, simulate (default parse,simulate)
#   --ref NAME=CMDLINE  a reference command line; {trace} is replaced by the trace's path
#   --no-default-refs   drop the default references (gzip -dc, python3 json.load)
#   --one-kernel        also time parse/simulate of a one-kernel trace cut from the first TRACE
#                       (bench/one-kernel-trace.py) and `flowsim --version`
#   --opts JVM_OPTS     FLOWSIM_OPTS for the FlowSim commands (e.g. "-Xmx512m")
#
# Every command's wall time, CPU time (user+sys) and peak RSS come from /usr/bin/time, or from
# bash's own accounting where GNU time is missing (then without RSS). Medians over the rounds.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5 flowsim="" commands="parse,simulate" default_refs=1 one_kernel=0 opts=""
refs=() traces=()
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --flowsim) flowsim="$2"; shift 2 ;;
    --commands) commands="$2"; shift 2 ;;
    --ref) refs+=("$2"); shift 2 ;;
    --no-default-refs) default_refs=0; shift ;;
    --one-kernel) one_kernel=1; shift ;;
    --opts) opts="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "cold-start.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) traces+=("$1"); shift ;;
  esac
done
((${#traces[@]})) || { echo "cold-start.sh: give at least one trace (see --help)" >&2; exit 2; }
for t in "${traces[@]}"; do
  [[ -r "$t" ]] || { echo "cold-start.sh: cannot read trace $t" >&2; exit 2; }
done
if [[ -z "$flowsim" ]]; then
  "$root/flowsim" --version >/dev/null # builds the distribution when sources changed
  flowsim="$root/flowsim-runtime/target/flowsim/bin/flowsim"
fi
if ((default_refs)); then
  refs=("gzip=gzip -dc {trace}"
        "json.load=python3 -c 'import gzip,json,sys; json.load(gzip.open(sys.argv[1]))' {trace}"
        "${refs[@]}")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/flowsim-cold.XXXXXX")"
trap 'rm -rf "$work"' EXIT
timer=()
if [[ -x /usr/bin/time ]] && /usr/bin/time -f x true 2>/dev/null; then timer=(/usr/bin/time -f '%e %U %S %M' -o); fi

# run LABEL CMDLINE: append "wall cpu rssMB" to $work/LABEL.t; output goes to $work/LABEL.out
run() {
  local label="$1" cmd="$2" f="$work/$1.t"
  if ((${#timer[@]})); then
    if ! FLOWSIM_OPTS="$opts" "${timer[@]}" "$work/last" bash -c "$cmd" >"$work/$label.out" 2>&1; then
      echo "cold-start.sh: '$label' failed: $cmd" >&2; tail -n 5 "$work/$label.out" >&2; exit 1
    fi
    awk '{ printf "%.3f %.3f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$work/last" >>"$f"
  else
    local s e; s=$(date +%s.%N)
    FLOWSIM_OPTS="$opts" bash -c "$cmd" >"$work/$label.out" 2>&1 || { echo "cold-start.sh: '$label' failed" >&2; exit 1; }
    e=$(date +%s.%N); echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }') nan nan" >>"$f"
  fi
}

median() { # FILE COLUMN
  sort -g -k"$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'
}

# the jobs: label<TAB>command line, grouped per trace
jobs=()
idx=0
add_trace_jobs() { # TRACE TAG
  local t="$1" tag="$2" q; q="$(printf %q "$t")"
  IFS=, read -ra cs <<<"$commands"
  for c in "${cs[@]}"; do
    jobs+=("$tag:flowsim $c"$'\t'"$(printf %q "$flowsim") $c -q --trace-file $q --output-dir $(printf %q "$work/out-$tag-$c")")
  done
  for r in "${refs[@]}"; do
    jobs+=("$tag:${r%%=*}"$'\t'"${r#*=}")
    jobs[-1]="${jobs[-1]//\{trace\}/$q}"
  done
}
for t in "${traces[@]}"; do idx=$((idx + 1)); add_trace_jobs "$t" "t$idx"; done
if ((one_kernel)); then
  python3 "$root/bench/one-kernel-trace.py" "${traces[0]}" "$work/one-kernel.trace.json.gz"
  q="$(printf %q "$work/one-kernel.trace.json.gz")"
  jobs+=("k:flowsim parse"$'\t'"$(printf %q "$flowsim") parse -q --trace-file $q --output-dir $(printf %q "$work/out-k-parse")")
  jobs+=("k:flowsim simulate"$'\t'"$(printf %q "$flowsim") simulate -q --trace-file $q --output-dir $(printf %q "$work/out-k-sim")")
  jobs+=("v:flowsim --version"$'\t'"$(printf %q "$flowsim") --version")
fi

cpu_model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
# the host matters: session 7's host ran the JVM's parse at 1.65x the CPU of session 6's
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs (${cpu_model:-model unknown}), load $(cut -d' ' -f1-3 /proc/loadavg), $runs rounds"
echo "# $("$flowsim" --version 2>&1 | tail -n1) (the launcher's choice); FLOWSIM_OPTS='$opts'; JAVA_HOME='${JAVA_HOME:-}'"
n=${#jobs[@]}
for ((r = 0; r < runs; r++)); do
  for ((j = 0; j < n; j++)); do
    k=$(((j + r) % n)) # rotate the order so no command always runs first or after the same one
    label="${jobs[k]%%$'\t'*}"
    run "${label//[^A-Za-z0-9_.-]/_}" "${jobs[k]#*$'\t'}"
  done
  printf '# round %d of %d done\n' $((r + 1)) "$runs" >&2
done
sleep 0.1 # let the progress lines on stderr come out before the table

report_group() { # TAG TITLE
  local tag="$1" title="$2" line label f w c m refw
  echo
  echo "$title"
  printf '  %-22s %8s %8s %8s' "command" "wall s" "cpu s" "RSS MB"
  local rl=()
  for line in "${jobs[@]}"; do
    label="${line%%$'\t'*}"
    [[ "$label" == "$tag:"* && "$label" != "$tag:flowsim "* ]] && rl+=("${label#*:}")
  done
  for r in "${rl[@]}"; do printf ' %12s' "/ $r"; done
  echo
  for line in "${jobs[@]}"; do
    label="${line%%$'\t'*}"
    [[ "$label" == "$tag:"* ]] || continue
    f="$work/${label//[^A-Za-z0-9_.-]/_}.t"
    w=$(median "$f" 1) c=$(median "$f" 2) m=$(median "$f" 3)
    printf '  %-22s %8.3f %8s %8s' "${label#*:}" "$w" "$c" "$m"
    for r in "${rl[@]}"; do
      refw=$(median "$work/${tag}_${r//[^A-Za-z0-9_.-]/_}.t" 1)
      printf ' %12s' "$(awk -v a="$w" -v b="$refw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    done
    echo
  done
}
idx=0
for t in "${traces[@]}"; do
  idx=$((idx + 1))
  report_group "t$idx" "$(basename "$t") ($(du -m "$t" | cut -f1) MB gzip, medians of $runs)"
done
if ((one_kernel)); then
  report_group k "one kernel cut from $(basename "${traces[0]}") (medians of $runs)"
  report_group v "no trace (medians of $runs)"
fi
