#!/usr/bin/env bash
# The main job (README): installs what is missing, starts the clinic dashboard and the device worker on the
# simulated patient (emulated MLX90640, button, buzzer, room and bath sensors; no hardware needed), and plays
# cold-challenge sessions in accelerated time (x20: the 20-minute acclimatisation + test in a few minutes).
# Open the printed address, log in with the printed administrator, and watch "Live".
#   scripts/run.sh [--group healthy|primary|ssc] [--seed N] [--time-scale X] [--port P]
# State is kept in out/run/ (delete it to start afresh). Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

group=ssc seed=7 scale=20 port=5080
while (($# > 0)); do
  case "$1" in
    --group) group=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --time-scale) scale=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

scripts/ensure-deps.sh

state=$root/out/run
mkdir -p "$state"
echo "run.sh: building (first time takes a minute)…"
dotnet build src/ThermoHand.Dashboard -c Release -nologo -v quiet
dotnet build src/ThermoHand.Worker -c Release -nologo -v quiet

# The dashboard's storage and keys live in out/run so the demo keeps its sessions between runs.
export Dashboard__Database__Provider=sqlite
export Dashboard__Database__ConnectionString="Data Source=$state/dashboard.db"
export Dashboard__DataProtection__KeysPath="$state/dashboard-keys"
dashboard() { (cd src/ThermoHand.Dashboard && dotnet run -c Release --no-build --no-launch-profile -- "$@"); }

# First run: an administrator and a registered device. Passwords and secrets are shown once, so keep them here.
if [[ ! -s $state/admin-password ]]; then
  out=$(dashboard --create-admin admin)
  echo "${out##*: }" > "$state/admin-password"
fi
if [[ ! -s $state/device-secret ]]; then
  out=$(dashboard --create-device demo-device --name "Simulated bench")
  echo "${out##*: }" > "$state/device-secret"
  chmod 600 "$state/device-secret"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

Urls="http://127.0.0.1:$port" dashboard &
pids+=($!)
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 1
done

# The worker: its settings from src/ThermoHand.Worker/appsettings.json (simulated patient, auto-clinician),
# pointed at the dashboard with the demo device's credential.
export Storage__Path="$state/device"
export Dashboard__Url="http://127.0.0.1:$port"
export Dashboard__DeviceId=demo-device
export Dashboard__SecretFile="$state/device-secret"
export Simulation__Group="$group" Simulation__Seed="$seed" Simulation__TimeScale="$scale"
# The emulated sensor reads with realistic pixel errors (Simulation:PixelErrors, on by default) and the repository's
# calibration/ holds the site calibration fitted to it, so the demo sensor is calibrated; before each session the
# sensor is shown a 35 °C reference target and the per-session reference check runs (docs/worker.md).
export Calibration__Directory="$root/calibration"
export Calibration__ReferenceCheck__BeforeEachSimulatedSession=true
(cd src/ThermoHand.Worker && dotnet run -c Release --no-build --no-launch-profile) &
pids+=($!)

cat <<MSG

  ThermoHand is running.
    dashboard:  http://127.0.0.1:$port   (log in as admin, password: $(cat "$state/admin-password"))
    live view:  http://127.0.0.1:$port/live/demo-device
    device:     simulated $group patient (seed $seed), protocol at x$scale; recordings in $state/device
  Ctrl+C stops both.

MSG
wait -n "${pids[@]}"
