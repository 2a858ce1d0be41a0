#!/usr/bin/env bash
# The test command (README): installs what is missing, builds everything with warnings as errors and runs
# every test project. Ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-deps.sh test

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet build ThermoHand.sln -c Release -nologo -v quiet 2>&1 | tee "$log" | grep -E "error|Warn|Elapsed" || true
if grep -qE "Build FAILED|error [A-Z]+[0-9]+" "$log"; then
  echo "build failed" >&2
  exit 1
fi
scripts/check-arm64.sh || status=1  # linux-arm64 publish, deploy.sh --dry-run, the arm64 worker under qemu (docs/deploy.md)
dotnet test ThermoHand.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S" line per test assembly; add them up.
awk '
  /(Passed|Failed)! +- +Failed:/ {
    gsub(/,/, " ");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  f += $(i + 1);
      if ($i == "Passed:")  p += $(i + 1);
      if ($i == "Skipped:") s += $(i + 1);
    }
    n++
  }
  END {
    if (n == 0) { print "no test assembly reported results"; exit 1 }
    printf "%d passed, %d failed, %d skipped\n", p, f, s
  }' "$log" || status=1
exit "$status"
