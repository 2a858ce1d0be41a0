#!/usr/bin/env bash
# Installs what a fresh Debian machine with only the .NET SDK lacks. Safe to run twice: it asks apt only
# for packages that are missing. Usage: scripts/ensure-deps.sh [test]
#   (no argument)  what the worker, dashboard and CLI need at run time
#   test           also what the test suite needs (headless Chromium for browser tests, …)
set -euo pipefail

# libgtk-3-0: OpenCvSharp's linux-x64 native library (libOpenCvSharpExtern.so) links against GTK 3.
# fonts-dejavu-core: the dashboard's PDF report loads DejaVu Sans from file (SkiaSharp here has no fontconfig).
# curl: scripts/run.sh waits for the dashboard's /health; libssl3: .NET's cryptography (password hashing, random ids) on Linux.
runtime_packages=(libgtk-3-0 fonts-dejavu-core curl libssl3)
# chromium: the dashboard's browser tests (Playwright drives Debian's /usr/bin/chromium, never a downloaded browser);
# postgresql: the dashboard's storage tests start a throwaway cluster with its initdb/pg_ctl.
# qemu-user-static + arm64 libc, libstdc++ and OpenSSL (Debian multiarch, beside the native ones): scripts/check-arm64.sh
# runs the linux-arm64 worker under qemu-aarch64; .NET's RandomNumberGenerator needs OpenSSL on Linux.
test_packages=(chromium postgresql qemu-user-static libc6:arm64 libstdc++6:arm64 libssl3:arm64)

wanted=("${runtime_packages[@]}")
if [[ "${1:-}" == "test" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "ensure-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    "${sudo_cmd[@]}" dpkg --add-architecture arm64  # multiarch: arm64 packages install beside the native ones
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "ensure-deps: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 1
fi
