#!/usr/bin/env bash
# The benchmark suite (benchmarks/README.md): one command that builds Release and measures
#   (a) the BenchmarkDotNet groups: To maths vs the vendor's C, live frame, provisional snapshot, re-analysis of a
#       20-minute recording, the device pipeline unthrottled (with and without the emulator's scene rendering);
#   (b) the dashboard fan-out (LiveLoadTests at a few viewer levels);
#   (c) a worker soak: the worker on the simulated patient, accelerated, for several sessions (memory, CPU, GC heap);
# then (d) writes benchmarks/RESULTS.md from those result files (ThermoHand.Benchmarks report mode).
#   scripts/bench.sh [--quick]     --quick: a few minutes (short BenchmarkDotNet job, 2 viewer levels, 2 sessions)
# Everything else it writes stays in out/bench/. Not part of scripts/test.sh (CI time). A failing part is recorded
# in RESULTS.md as "not run"/"failed" and makes the script exit non-zero after the report is written.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=full
while (($# > 0)); do
  case "$1" in
    --quick) mode=quick; shift ;;
    *) echo "bench.sh: unknown argument $1 (use --quick or nothing)" >&2; exit 2 ;;
  esac
done

if [[ $mode == quick ]]; then
  bdn_job=(--job short); bdn_job_text="short (3 warm-ups, 3 iterations)"
  load_levels=10,50; load_seconds=5
  soak_sessions=2
else
  bdn_job=(--warmupCount 3 --iterationCount 8); bdn_job_text="3 warm-ups, 8 iterations"
  load_levels=10,50,100,200; load_seconds=10
  soak_sessions=5
fi

# Chromium for the fan-out's browser fixture, and the runtime libraries (OpenCV's GTK) for the rest.
scripts/ensure-deps.sh test

out=$root/out/bench
rm -rf "$out/bdn" "$out/soak" "$out/fanout.tsv"
mkdir -p "$out"
export THERMOHAND_SHARED=${THERMOHAND_SHARED:-$(cd "$root/.." && pwd)/shared}
env_file=$out/env.txt
{
  echo "started_utc=$(date -u '+%Y-%m-%d %H:%M')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "load_at_start=$(cut -d' ' -f1 /proc/loadavg)"
  echo "mode=$mode"
  echo "bdn_job=$bdn_job_text"
} > "$env_file"
status=0

# Separate artifacts so the suite never collides with an in-tree build.
build=$out/build
echo "bench.sh: building Release (benchmarks, worker, dashboard tests)…"
dotnet build benchmarks/ThermoHand.Benchmarks -c Release --artifacts-path "$build" -nologo -v quiet
dotnet build src/ThermoHand.Worker -c Release --artifacts-path "$build" -nologo -v quiet
bench_dll=$build/bin/ThermoHand.Benchmarks/release/ThermoHand.Benchmarks.dll
worker_dll=$build/bin/ThermoHand.Worker/release/thermohand-worker.dll  # AssemblyName in the worker csproj

# (a) BenchmarkDotNet, in-process: no per-benchmark project generation and build (minutes each on a busy 2-core
# machine); JSON exports for the report.
echo "bench.sh: (a) BenchmarkDotNet ($bdn_job_text)…"
bdn_exit=0
(cd "$out" && dotnet "$bench_dll" --filter '*' "${bdn_job[@]}" --inProcess --exporters json --artifacts "$out/bdn") \
  > "$out/bdn.log" 2>&1 || bdn_exit=$?
echo "bdn_exit=$bdn_exit" >> "$env_file"
echo "load_after_benchmarkdotnet=$(cut -d' ' -f1 /proc/loadavg)" >> "$env_file"  # 1-min load average at each phase end
((bdn_exit == 0)) || { echo "bench.sh: BenchmarkDotNet failed (exit $bdn_exit), see $out/bdn.log" >&2; status=1; }

# (b) Dashboard fan-out: LiveLoadTests writes one row per viewer level to THERMOHAND_LOAD_RESULTS.
echo "bench.sh: (b) dashboard fan-out ($load_levels viewers, ${load_seconds} s each)…"
fanout_exit=0
THERMOHAND_LOAD_LEVELS=$load_levels THERMOHAND_LOAD_SECONDS=$load_seconds THERMOHAND_LOAD_RESULTS=$out/fanout.tsv \
  dotnet test tests/ThermoHand.Dashboard.Tests -c Release --artifacts-path "$build" -nologo \
  --filter "FullyQualifiedName~LiveLoadTests" --logger "console;verbosity=normal" > "$out/fanout.log" 2>&1 || fanout_exit=$?
echo "fanout_exit=$fanout_exit" >> "$env_file"
echo "load_after_fanout=$(cut -d' ' -f1 /proc/loadavg)" >> "$env_file"
((fanout_exit == 0)) || { echo "bench.sh: the fan-out test failed (exit $fanout_exit), see $out/fanout.log" >&2; status=1; }

# (c) Worker soak: x50, 2 Hz subpages, 4 sub-samples per pixel (the settings of docs/worker.md §8, so its figures compare).
echo "bench.sh: (c) worker soak ($soak_sessions sessions at x50)…"
soak_exit=0
dotnet "$bench_dll" soak --worker "$worker_dll" --out "$out/soak" --sessions "$soak_sessions" --time-scale 50 \
  --refresh-hz 2 --sub-samples 4 --timeout $((soak_sessions * 240 + 120)) > "$out/soak.log" 2>&1 || soak_exit=$?
echo "soak_exit=$soak_exit" >> "$env_file"
echo "load_after_soak=$(cut -d' ' -f1 /proc/loadavg)" >> "$env_file"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$env_file"
((soak_exit == 0)) || { echo "bench.sh: the worker soak failed (exit $soak_exit), see $out/soak.log" >&2; status=1; }

# (d) The results table.
echo "bench.sh: (d) writing benchmarks/RESULTS.md…"
dotnet "$bench_dll" report --bdn "$out/bdn" --fanout "$out/fanout.tsv" --soak "$out/soak/soak.json" --env "$env_file" \
  --out "$root/benchmarks/RESULTS.md"
exit "$status"
