#!/usr/bin/env bash
# Assembles the base of the container image without any registry: a JRE made by jlink from the
# JDK that runs the build, plus the shared libraries it links against, copied from this machine
# (Debian's packages) at the same paths. Jib layers it over "scratch" with the distribution.
# Usage: jre-rootfs.sh JAVA_HOME OUTPUT_DIR
set -euo pipefail

jdk="$1"
out="$2"
if [[ ! -x "$jdk/bin/jlink" || ! -d "$jdk/jmods" ]]; then
  echo "jre-rootfs: $jdk has no jlink or no jmods/ (a full JDK is needed to build the container image;" \
       "on Debian: apt-get install openjdk-17-jdk-headless; or skip the image with -Dflowsim.image.skip)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/data"

# The modules FlowSim and its bundled plugins use (jdeps --print-module-deps over the distribution's
# jars), plus jdk.zipfs (zip plugins) and jdk.crypto.ec (TLS to HTTP backends).
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.unsupported,jdk.zipfs,jdk.crypto.ec
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$out/opt/java"

# Every shared library of the JRE's binaries outside the JRE itself, and the dynamic loader.
{
  ldd "$out/opt/java/bin/java"
  find "$out/opt/java/lib" -name '*.so' -exec ldd {} \;
} 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u |
  while read -r lib; do
    case "$lib" in "$out"/*) continue ;; esac
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
  done
if [[ ! -e "$out/lib64/ld-linux-x86-64.so.2" && ! -e "$out/lib/ld-linux-aarch64.so.1" ]]; then
  echo "jre-rootfs: the dynamic loader was not found by ldd" >&2
  exit 1
fi
echo "jre-rootfs: $(du -sh "$out" | cut -f1) in $out"
