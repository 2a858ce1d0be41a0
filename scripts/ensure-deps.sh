#!/usr/bin/env bash
# Installs what a fresh Debian machine with only the .NET SDK lacks. Safe to run twice: it asks apt only
# for packages that are missing. Usage: scripts/ensure-deps.sh [test]
#   (no argument)  what the worker, dashboard and CLI need at run time
#   test           also what the test suite needs (headless Chromium for browser tests, …)
set -euo pipefail

# libgtk-3-0: OpenCvSharp's linux-x64 native library (libOpenCvSharpExtern.so) links against GTK 3.
# fonts-dejavu-core: the dashboard's PDF report loads DejaVu Sans from file (SkiaSharp here has no fontconfig).
runtime_packages=(libgtk-3-0 fonts-dejavu-core)
# chromium: the dashboard's browser tests (Playwright drives Debian's /usr/bin/chromium, never a downloaded browser);
# postgresql: the dashboard's storage tests start a throwaway cluster with its initdb/pg_ctl.
# qemu-user-static + the arm64 C/C++ runtime: scripts/check-arm64.sh runs the linux-arm64 worker under qemu-aarch64.
test_packages=(chromium postgresql qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)

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
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "ensure-deps: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 1
fi
