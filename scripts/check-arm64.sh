#!/usr/bin/env bash
# Checks the Raspberry Pi deployment without a Pi (called by scripts/test.sh; docs/deploy.md):
#   1. the worker publishes as a self-contained linux-arm64 program (an aarch64 ELF executable);
#   2. deploy.sh --dry-run prints every step, runs nothing (ssh, rsync and dotnet are trapped), and each script it
#      would send to the Pi is valid bash; its argument errors name the option to fix;
#   3. if qemu-user-static and arm64 libc6, libstdc++6 and libssl3 (Debian multiarch) are installed,
#      the arm64 worker starts under qemu-aarch64 with every device emulated ("Application started"), reports a bad
#      setting by name (exit 2), and stops cleanly on SIGTERM (what systemd sends).
# Every step is time-boxed. Prints "check-arm64: OK …" and exits 0, or names the failed check and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/thermohand-arm64.XXXXXX")
worker_pid=""
cleanup() {
  if [[ -n "$worker_pid" ]] && kill -0 "$worker_pid" 2>/dev/null; then kill -KILL "$worker_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

checks=0
fail() {
  echo "check-arm64: FAILED: $*" >&2
  exit 1
}
pass() {
  checks=$((checks + 1))
  echo "check-arm64: ok - $*"
}

# --- 1. linux-arm64 self-contained publish ---------------------------------------------------------------------
# Its own artifacts folder (git-ignored, kept so a second run is incremental), so it never collides with the
# solution build of the test command.
if ! timeout 600 dotnet publish src/ThermoHand.Worker -c Release -r linux-arm64 --self-contained -nologo -v quiet \
  --artifacts-path "$repo/artifacts/check-arm64" -o "$work/worker" >"$work/publish.log" 2>&1; then
  tail -20 "$work/publish.log" >&2
  fail "dotnet publish src/ThermoHand.Worker -r linux-arm64 --self-contained (log above)"
fi
binary="$work/worker/thermohand-worker"
[[ -x "$binary" ]] || fail "the publish made no executable $binary"
# ELF magic, then e_machine (bytes 18-19, little-endian) = 0xB7 = EM_AARCH64.
[[ "$(od -An -tx1 -N4 "$binary" | tr -d ' \n')" == "7f454c46" ]] || fail "$binary is not an ELF file"
[[ "$(od -An -tx1 -j18 -N2 "$binary" | tr -d ' \n')" == "b700" ]] || fail "$binary is not an aarch64 (arm64) executable"
[[ -f "$work/worker/libcoreclr.so" ]] || fail "the publish is not self-contained (no libcoreclr.so beside the program)"
[[ -f "$work/worker/appsettings.json" ]] || fail "the publish lacks appsettings.json"
# hardware/thermohand.service is Type=notify: without the systemd lifetime the worker never reports ready and
# `systemctl start` fails after 90 s on the Pi.
grep -q '"Microsoft.Extensions.Hosting.Systemd' "$work/worker/thermohand-worker.deps.json" ||
  fail "the worker does not reference Microsoft.Extensions.Hosting.Systemd, which the Type=notify unit needs (AddSystemd)"
pass "self-contained linux-arm64 publish: aarch64 ELF, $(du -sm "$work/worker" | cut -f1) MB"

# --- 2. deploy.sh --dry-run ------------------------------------------------------------------------------------
# Stand-ins for every command that would reach the Pi or build: a dry run must call none of them.
mkdir -p "$work/trap"
for tool in ssh rsync scp dotnet; do
  printf '#!/bin/sh\necho "%s $*" >> "%s/called"\n' "$tool" "$work" >"$work/trap/$tool"
  chmod +x "$work/trap/$tool"
done
dry="$work/dry-run.txt"
PATH="$work/trap:$PATH" timeout 60 bash deploy.sh --dry-run --host pi@thermohand.local --version 9.9.9-check >"$dry" 2>&1 ||
  { cat "$dry" >&2; fail "deploy.sh --dry-run exited non-zero (output above)"; }
[[ ! -s "$work/called" ]] || fail "deploy.sh --dry-run ran commands: $(cat "$work/called")"

expect() { # every step the issue asks for must appear in the dry run, in this order
  local line
  line=$(grep -n -F -- "$1" "$dry" | head -1 | cut -d: -f1)
  [[ -n "$line" ]] || fail "deploy.sh --dry-run does not show: $1"
  ((line > last_line)) || fail "deploy.sh --dry-run shows '$1' out of order (line $line, before line $last_line)"
  last_line=$line
}
last_line=0
expect "dotnet publish $repo/src/ThermoHand.Worker -c Release -r linux-arm64 --self-contained"
expect "dotnet publish $repo/src/ThermoHand.Cli -c Release -r linux-arm64 --self-contained"
expect "ssh -o BatchMode=yes"
expect "useradd --system"
expect "usermod --append --groups i2c,gpio thermohand"
expect "raspi-config nonint do_i2c 0"
expect "dtparam=i2c_arm_baudrate=400000"
expect "dtoverlay=i2c-gpio,bus=3,i2c_gpio_sda=23,i2c_gpio_scl=24"
expect "dtoverlay=w1-gpio,gpiopin=4"
expect "rsync -a --delete"
expect "mv '/tmp/thermohand-9.9.9-check' '/opt/thermohand/9.9.9-check'"
expect "if [ -f /etc/thermohand/appsettings.json ]; then echo \"kept"
expect "libOpenCvSharpExtern.so"
expect "/opt/thermohand/current"
expect "/etc/systemd/system/thermohand.service"
expect "systemctl daemon-reload"
expect "systemctl enable thermohand.service"
expect "systemctl restart thermohand.service"
expect "status thermohand.service"
expect "dry run complete"
pass "deploy.sh --dry-run shows all $(grep -c '^==> ' "$dry") steps in order and runs nothing"

# Each remote script (indented between "<<REMOTE" and "REMOTE") must at least parse.
awk -v dir="$work" '
  /<<REMOTE$/ { n++; file = dir "/remote-" n ".sh"; inside = 1; next }
  /^  REMOTE$/ { inside = 0; next }
  inside { sub(/^    /, ""); print > file }
' "$dry"
remote_scripts=("$work"/remote-*.sh)
((${#remote_scripts[@]} >= 6)) || fail "expected at least 6 remote scripts in the dry run, found ${#remote_scripts[@]}"
for script in "${remote_scripts[@]}"; do
  bash -n "$script" 2>"$work/syntax.txt" || fail "remote script $(basename "$script") is not valid bash: $(cat "$work/syntax.txt")"
done
pass "the ${#remote_scripts[@]} scripts deploy.sh sends to the Pi are valid bash"

if timeout 10 bash deploy.sh --dry-run >"$work/nohost.txt" 2>&1; then fail "deploy.sh without --host succeeded"; fi
grep -q -- "--host is required" "$work/nohost.txt" || fail "deploy.sh without --host does not name --host: $(cat "$work/nohost.txt")"
if timeout 10 bash deploy.sh --host 'pi@x;reboot' --dry-run >"$work/badhost.txt" 2>&1; then fail "deploy.sh accepted a host with ';'"; fi
grep -q "is not of the form user@hostname" "$work/badhost.txt" || fail "deploy.sh does not explain a bad --host: $(cat "$work/badhost.txt")"
pass "deploy.sh rejects a missing or malformed --host with a message naming it"

# --- 3. the arm64 worker under qemu-user ---------------------------------------------------------------------------
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
arm64_libs=/usr/lib/aarch64-linux-gnu
if [[ -z "$qemu" || ! -e /lib/ld-linux-aarch64.so.1 || ! -e "$arm64_libs/libstdc++.so.6" || ! -e "$arm64_libs/libssl.so.3" ]]; then
  echo "check-arm64: SKIPPED the qemu start check: needs qemu-user-static and libc6:arm64, libstdc++6:arm64, libssl3:arm64 (scripts/ensure-deps.sh test)"
  echo "check-arm64: OK ($checks checks, qemu check skipped)"
  exit 0
fi

# Simulation mode: every device Emulated (the shipped appsettings.json), data in a scratch folder, a cheap scene.
# Called as `( run_worker … ) &`: the exec replaces that one subshell, so $! is qemu itself and a signal reaches the
# worker (qemu passes it on), not a shell in between.
run_worker() {
  cd "$work/worker"
  exec env DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_ENVIRONMENT=Production \
    Storage__Path="$work/data" Simulation__SubSamplesPerPixel=2 "$@" \
    "$qemu" ./thermohand-worker
}

# A bad setting must stop the arm64 build too, naming the key (exit 2 = configuration error).
set +e
(run_worker Sensors__0__RefreshRateHz=3) >"$work/bad-config.log" 2>&1 </dev/null &
bad_pid=$!
worker_pid=$bad_pid
timeout 120 tail --pid="$bad_pid" -f /dev/null
kill -KILL "$bad_pid" 2>/dev/null
wait "$bad_pid"
bad_status=$?
set -e
((bad_status == 2)) || { tail -20 "$work/bad-config.log" >&2; fail "arm64 worker with Sensors:0:RefreshRateHz=3 exited $bad_status, expected 2 (configuration error)"; }
grep -q "Sensors:0:RefreshRateHz 3" "$work/bad-config.log" || fail "arm64 worker's configuration error does not name Sensors:0:RefreshRateHz"
pass "arm64 worker under qemu rejects Sensors:0:RefreshRateHz=3 by name (exit 2)"

log="$work/worker.log"
: >"$log"
started_at=$(date +%s%N)
(run_worker) >"$log" 2>&1 </dev/null &
worker_pid=$!
started=0
for _ in $(seq 1 1200); do # up to 120 s: qemu translates the whole .NET runtime's start-up
  if grep -q "Application started" "$log"; then started=1; break; fi
  kill -0 "$worker_pid" 2>/dev/null || break
  sleep 0.1
done
start_ms=$((($(date +%s%N) - started_at) / 1000000))
if ((started == 0)); then
  tail -30 "$log" >&2
  fail "arm64 worker under qemu did not log 'Application started' within 120 s (log above)"
fi
sleep 5 # let it run: sensors, protocol ticker, room/bath monitors and the pipeline all tick at least once
kill -0 "$worker_pid" 2>/dev/null || { tail -30 "$log" >&2; fail "arm64 worker under qemu exited within 5 s of starting"; }
rss_kb=$(ps -o rss= -p "$worker_pid" | tr -d ' ' || echo "?")
[[ "$(ps -o comm= -p "$worker_pid")" == qemu-aarch64* ]] || fail "internal: pid $worker_pid is not the qemu process"
kill -TERM "$worker_pid"
set +e
timeout 60 tail --pid="$worker_pid" -f /dev/null
stop_status=$?
wait "$worker_pid"
exit_status=$?
set -e
((stop_status == 0)) || fail "arm64 worker did not stop within 60 s of SIGTERM"
worker_pid=""
grep -q "Application is shutting down" "$log" || fail "arm64 worker did not log its shutdown after SIGTERM"
((exit_status == 0 || exit_status == 143)) || { tail -30 "$log" >&2; fail "arm64 worker exited $exit_status after SIGTERM (log above)"; }
pass "arm64 worker under qemu started in ${start_ms} ms (RSS ${rss_kb} kB under qemu), stopped on SIGTERM with exit $exit_status"

# Report, don't fail: there is no linux-arm64 OpenCvSharp native library here, so analysis is expected to be off.
analysis=$(grep -i -E "analysis (is )?unavailable|OpenCvSharp|DllNotFound" "$log" | head -3 || true)
if [[ -n "$analysis" ]]; then
  echo "check-arm64: note - without libOpenCvSharpExtern.so the worker said:"
  printf '  %s\n' "$analysis"
else
  echo "check-arm64: note - the worker logged nothing about OpenCvSharp/analysis in the first seconds"
fi
if grep -q -E "^(fail|crit):" "$log"; then
  echo "check-arm64: note - error lines in the arm64 worker's log:"
  grep -A2 -E "^(fail|crit):" "$log" | head -12 | sed 's/^/  /'
fi
echo "check-arm64: OK ($checks checks)"
