#!/usr/bin/env bash
# Runs the image tar without a container runtime, for machines that have none (like this project's
# build machines): unpacks its layers into a temporary root and runs the image's entry point there
# with chroot (as root; /proc is bind-mounted, as a container runtime would mount it). Arguments after
# the tar are FlowSim's command line; paths refer to the image's file system (the tar's /data is
# the host directory given by FLOWSIM_DATA, default: the current directory, copied in and back).
# Usage: sudo run-unpacked.sh flowsim-runtime/target/flowsim-image.tar --version
set -euo pipefail

tar_file="$(realpath "$1")"
shift
data="${FLOWSIM_DATA:-$PWD}"
work="$(mktemp -d)"
cleanup() {
  umount "$work/root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/image" "$work/root"
tar -xf "$tar_file" -C "$work/image"
python3 - "$work" <<'PY'
import json, subprocess, sys
work = sys.argv[1]
manifest = json.load(open(f"{work}/image/manifest.json"))[0]
for layer in manifest["Layers"]:
    subprocess.run(["tar", "-xzf", f"{work}/image/{layer}", "-C", f"{work}/root", "--warning=no-unknown-keyword"], check=True)
config = json.load(open(f"{work}/image/{manifest['Config']}"))["config"]
with open(f"{work}/entrypoint", "w") as f:
    f.write("\0".join(config["Entrypoint"]))
with open(f"{work}/env", "w") as f:
    f.write("\0".join(config.get("Env", [])))
PY
mkdir -p "$work/root/proc" "$work/root/data"
mount --bind /proc "$work/root/proc"
cp -a "$data/." "$work/root/data/"
mapfile -d '' entrypoint < "$work/entrypoint"
mapfile -d '' environment < "$work/env"
status=0
env -i "${environment[@]}" "$(command -v chroot)" "$work/root" "${entrypoint[@]}" "$@" || status=$?
cp -a "$work/root/data/." "$data/"
exit "$status"
