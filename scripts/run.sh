#!/usr/bin/env bash
# The main job (README): installs what is missing, then plays one simulated cold-challenge session through the
# whole chain — synthetic hand → emulated MLX90640 raw words → driver → recording → rewarming analysis — and
# writes the recording, frame CSV, events, analysis result and pictures to out/demo/.
# Until the device worker and the clinic dashboard land, this is the CLI's end-to-end demonstration.
#   scripts/run.sh [--group healthy|primary|ssc] [--seed N] [--hand left|right]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-deps.sh

group=ssc seed=1 hand=right
while (($# > 0)); do
  case "$1" in
    --group) group=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --hand) hand=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

out=out/demo
rm -rf "$out"
dotnet build src/ThermoHand.Cli -c Release -nologo -v quiet
thermohand() { dotnet run --project src/ThermoHand.Cli -c Release --no-build -- "$@"; }

thermohand simulate --group "$group" --seed "$seed" --hand "$hand" --out "$out" --png
thermohand analyze "$out/frames.csv" --events "$out/events.json" --out "$out/result.json" --png "$out/analysis.png"
echo
echo "Done. Look at $out/strip.png (the session), $out/analysis.png (regions and rewarming curves),"
echo "and $out/result.json (thermohand/analysis/v1)."
