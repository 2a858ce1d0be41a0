#!/usr/bin/env bash
# Installs or updates the ThermoHand worker on a Raspberry Pi (64-bit Raspberry Pi OS / Debian arm64) over ssh.
#
#   ./deploy.sh --host pi@thermohand.local [--dry-run] [--skip-build] [--version V] [--reboot]
#
# Steps: build a self-contained linux-arm64 release of the worker and the thermohand CLI; on the Pi create the
# thermohand user (groups i2c, gpio), enable I2C at 400 kHz, the second sensor's I2C bus and 1-Wire in config.txt
# (idempotent), copy the release to /opt/thermohand/<version> and point /opt/thermohand/current at it, install the
# systemd unit, install /etc/thermohand/appsettings.json only if there is none yet (site settings survive updates), add
# calibration/'s new files to /var/lib/thermohand/calibration, check OpenCvSharp's library, restart, show the status.
# --dry-run prints every command (local and remote) without running anything. Details: docs/deploy.md.
set -euo pipefail

repo=$(cd "$(dirname "$0")" && pwd)
host=""
dry_run=0
skip_build=0
reboot=0
version=""

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
  echo "deploy.sh: $*" >&2
  exit 1
}

while (($# > 0)); do
  case "$1" in
    --host) (($# >= 2)) || die "--host needs a value, e.g. --host pi@thermohand.local"; host=$2; shift 2 ;;
    --host=*) host=${1#--host=}; shift ;;
    --version) (($# >= 2)) || die "--version needs a value, e.g. --version 1.2.0"; version=$2; shift 2 ;;
    --version=*) version=${1#--version=}; shift ;;
    --dry-run) dry_run=1; shift ;;
    --skip-build) skip_build=1; shift ;;
    --reboot) reboot=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see ./deploy.sh --help)" ;;
  esac
done

[[ -n "$host" ]] || die "--host is required, e.g. ./deploy.sh --host pi@thermohand.local (add --dry-run to only print the steps)"
# The host ends up inside ssh/rsync arguments: accept only what a user@hostname can contain.
[[ "$host" =~ ^([A-Za-z0-9._-]+@)?[A-Za-z0-9.:_-]+$ ]] || die "--host '$host' is not of the form user@hostname"

if [[ -z "$version" ]]; then
  # A version per commit, so every install gets its own folder and an update can be rolled back by the symlink.
  version=$(git -C "$repo" describe --tags --always --dirty 2>/dev/null || date -u +%Y%m%d%H%M%S)
fi
[[ "$version" =~ ^[A-Za-z0-9._+-]+$ ]] || die "--version '$version' may contain only letters, digits and . _ + -"

release="$repo/artifacts/deploy/linux-arm64"
remote_root=/opt/thermohand
remote_dir="$remote_root/$version"
stage="/tmp/thermohand-$version"

step_number=0
step() {
  step_number=$((step_number + 1))
  echo
  echo "==> [$step_number] $*"
}

# Prints a local command, then runs it unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if ((dry_run == 0)); then
    "$@"
  fi
}

# Prints a one-line command for the Pi as it will be sent, then runs it there (as the ssh user).
run_ssh() {
  local command=$1
  shift
  printf "+ ssh %s'%s'\n" "${*:+$* }$host " "$command"
  if ((dry_run == 0)); then
    ssh "$@" "$host" "$command"
  fi
}

# Prints a script that runs on the Pi as root (line by line, so the dry-run shows every command), then runs it.
run_remote() {
  local script=$1
  printf '+ ssh %s sudo bash -euo pipefail -s <<REMOTE\n' "$host"
  printf '%s\n' "$script" | sed 's/^/    /'
  printf '  REMOTE\n'
  if ((dry_run == 0)); then
    printf '%s\n' "$script" | ssh "$host" sudo bash -euo pipefail -s
  fi
}

if ((dry_run == 1)); then
  echo "deploy.sh: DRY RUN — nothing is built, copied or run on $host; these are the commands, in order."
fi
echo "deploy.sh: ThermoHand $version → $host:$remote_dir"

# ---------------------------------------------------------------------------------------------------------------
step "Build a self-contained linux-arm64 release (worker and thermohand CLI)"
if ((skip_build == 1)); then
  echo "(--skip-build: using the release already in $release)"
  if ((dry_run == 0)); then
    [[ -x "$release/worker/thermohand-worker" && -x "$release/cli/thermohand" ]] ||
      die "--skip-build: no release in $release; run once without --skip-build"
  fi
else
  run rm -rf "$release"
  # The runtime goes with the program, so the Pi needs no .NET install; ReadyToRun shortens the start on a Pi.
  run dotnet publish "$repo/src/ThermoHand.Worker" -c Release -r linux-arm64 --self-contained \
    -p:PublishReadyToRun=true -nologo -o "$release/worker"
  run dotnet publish "$repo/src/ThermoHand.Cli" -c Release -r linux-arm64 --self-contained \
    -p:PublishReadyToRun=true -nologo -o "$release/cli"
  run mkdir -p "$release/hardware" "$release/docs"
  # The site calibrations (docs/worker.md "Site calibration"); installed beside the device's own in the step below.
  run cp -r "$repo/calibration" "$release/calibration"
  run cp "$repo/hardware/thermohand.service" "$repo/hardware/appsettings.device.json" "$repo/hardware/README.md" "$release/hardware/"
  run cp "$repo/docs/deploy.md" "$release/docs/"
fi

# ---------------------------------------------------------------------------------------------------------------
step "Check that $host answers over ssh and is a 64-bit (aarch64) system with sudo"
run_ssh 'test "$(uname -m)" = aarch64 || { echo "not aarch64 ($(uname -m)): install 64-bit Raspberry Pi OS" >&2; exit 1; }; sudo -n true || { echo "sudo asks for a password: deploy.sh needs passwordless sudo for this user" >&2; exit 1; }' \
  -o BatchMode=yes -o ConnectTimeout=10

# ---------------------------------------------------------------------------------------------------------------
step "Create the thermohand service user in the i2c and gpio groups"
run_remote "$(cat <<'EOF'
for group in i2c gpio; do getent group "$group" >/dev/null || groupadd --system "$group"; done
id thermohand >/dev/null 2>&1 || useradd --system --home-dir /var/lib/thermohand --no-create-home --shell /usr/sbin/nologin thermohand
usermod --append --groups i2c,gpio thermohand
id thermohand
EOF
)"

# ---------------------------------------------------------------------------------------------------------------
step "Enable I2C at 400 kHz, the second sensor's I2C bus (GPIO23/24) and 1-Wire (GPIO4) in config.txt"
# Each line is added only if missing; an existing i2c_arm_baudrate of another value is corrected. The lines are
# hardware/config.txt (see hardware/README.md for why 400 kHz and why a second bus).
run_remote "$(cat <<'EOF'
config=/boot/firmware/config.txt; [ -f "$config" ] || config=/boot/config.txt
[ -f "$config" ] || { echo "no config.txt in /boot/firmware or /boot: is this Raspberry Pi OS?" >&2; exit 1; }
cp -n "$config" "$config.before-thermohand"
before=$(sha256sum "$config")
command -v raspi-config >/dev/null && raspi-config nonint do_i2c 0
grep -qxF 'dtparam=i2c_arm=on' "$config" || echo 'dtparam=i2c_arm=on' >> "$config"
if grep -q '^dtparam=i2c_arm_baudrate=' "$config"; then sed -i 's/^dtparam=i2c_arm_baudrate=.*/dtparam=i2c_arm_baudrate=400000/' "$config"; else echo 'dtparam=i2c_arm_baudrate=400000' >> "$config"; fi
grep -qxF 'dtoverlay=i2c-gpio,bus=3,i2c_gpio_sda=23,i2c_gpio_scl=24,i2c_gpio_delay_us=2' "$config" || echo 'dtoverlay=i2c-gpio,bus=3,i2c_gpio_sda=23,i2c_gpio_scl=24,i2c_gpio_delay_us=2' >> "$config"
grep -qxF 'dtoverlay=w1-gpio,gpiopin=4' "$config" || echo 'dtoverlay=w1-gpio,gpiopin=4' >> "$config"
grep -qxF 'i2c-dev' /etc/modules || echo 'i2c-dev' >> /etc/modules
modprobe i2c-dev || true
if [ "$(sha256sum "$config")" != "$before" ]; then echo "REBOOT NEEDED: $config changed (I2C/1-Wire take effect after a reboot)"; touch /var/run/thermohand-reboot-needed; fi
grep -E '^(dtparam=i2c_arm|dtoverlay=(i2c-gpio|w1-gpio))' "$config"
EOF
)"

# ---------------------------------------------------------------------------------------------------------------
step "Copy the release to $host:$remote_dir"
run_ssh "rm -rf $stage && mkdir -p $stage"
run rsync -a --delete --info=stats1 "$release/" "$host:$stage/"
run_remote "$(cat <<EOF
rm -rf '$remote_dir'
mkdir -p '$remote_root'
mv '$stage' '$remote_dir'
chown -R root:root '$remote_dir'
chmod -R u=rwX,go=rX '$remote_dir'
chmod 755 '$remote_dir/worker/thermohand-worker' '$remote_dir/cli/thermohand'
EOF
)"

# ---------------------------------------------------------------------------------------------------------------
step "Keep the site configuration: install /etc/thermohand/appsettings.json only the first time; add new calibration files"
run_remote "$(cat <<EOF
install -d -m 0755 /etc/thermohand
if [ -f /etc/thermohand/appsettings.json ]; then echo "kept /etc/thermohand/appsettings.json (site settings)"; else install -m 0644 '$remote_dir/hardware/appsettings.device.json' /etc/thermohand/appsettings.json; echo "installed the default /etc/thermohand/appsettings.json: check Sensors, Hardware and Dashboard:Url"; fi
ln -sfn /etc/thermohand/appsettings.json '$remote_dir/worker/appsettings.Production.json'
install -d -o thermohand -g thermohand -m 0750 /var/lib/thermohand
install -d -o thermohand -g thermohand -m 0750 /var/lib/thermohand/calibration
if [ -d '$remote_dir/calibration' ]; then cd '$remote_dir/calibration' && find . -name '*.thcal.json' | sort | while read -r file; do target="/var/lib/thermohand/calibration/\${file#./}"; if [ ! -e "\$target" ]; then install -D -o thermohand -g thermohand -m 0640 "\$file" "\$target" && echo "calibration added: \$target"; elif ! cmp -s "\$file" "\$target"; then echo "CALIBRATION KEPT: \$target differs from the release's \${file#./}; versions are never overwritten (a new calibration gets a new version)"; fi; done; fi
EOF
)"

# ---------------------------------------------------------------------------------------------------------------
step "Check OpenSSL (required) and OpenCvSharp's native library for linux-arm64 (libOpenCvSharpExtern.so, for analysis)"
# NuGet serves no linux-arm64 OpenCvSharp runtime, so the library is built on the Pi (docs/deploy.md). Without it
# the worker records every frame and reports analysis as unavailable; recordings can be analysed later.
run_remote "$(cat <<EOF
lib=''
for candidate in '$remote_dir/worker/libOpenCvSharpExtern.so' /usr/local/lib/libOpenCvSharpExtern.so /usr/lib/aarch64-linux-gnu/libOpenCvSharpExtern.so; do [ -f "\$candidate" ] && lib=\$candidate && break; done
if [ -z "\$lib" ]; then echo "OPENCV MISSING: no libOpenCvSharpExtern.so on the device. The worker will record every frame but report analysis as unavailable. Build it on the Pi as docs/deploy.md ('OpenCvSharp on the Pi') explains, then rerun deploy.sh."
elif ldd "\$lib" | grep -q 'not found'; then echo "OPENCV BROKEN: \$lib is there but needs libraries that are missing:"; ldd "\$lib" | grep 'not found'; echo "install them (apt-get install libopencv-dev) or the worker runs without analysis"
else echo "OPENCV OK: \$lib"; fi
# The .NET runtime itself needs OpenSSL on Linux (random session ids, https to the dashboard); Raspberry Pi OS has it.
ldconfig -p | grep -q 'libssl.so.3 ' || { echo "LIBSSL MISSING: the worker needs OpenSSL 3: apt-get install libssl3 (libssl3t64 on Trixie)" >&2; exit 1; }
EOF
)"

# ---------------------------------------------------------------------------------------------------------------
step "Switch /opt/thermohand/current to $version, install the unit and the CLI, restart the worker"
run_remote "$(cat <<EOF
previous=\$(readlink -f '$remote_root/current' || true)
ln -sfn '$remote_dir' '$remote_root/current.new' && mv -T '$remote_root/current.new' '$remote_root/current'
install -m 0644 '$remote_dir/hardware/thermohand.service' /etc/systemd/system/thermohand.service
ln -sfn '$remote_root/current/cli/thermohand' /usr/local/bin/thermohand
systemctl daemon-reload
systemctl enable thermohand.service
systemctl restart thermohand.service || { echo "the worker did not start; previous release: \$previous (roll back: ln -sfn \$previous $remote_root/current && systemctl restart thermohand)"; journalctl -u thermohand -n 30 --no-pager; exit 1; }
EOF
)"

# ---------------------------------------------------------------------------------------------------------------
step "Show the worker's status and keep the three newest releases"
run_remote "$(cat <<EOF
systemctl --no-pager --lines=15 status thermohand.service
ls -1dt $remote_root/*/ | grep -v '/current/\$' | tail -n +4 | grep -vxF '$remote_dir/' | xargs -r rm -rf
ls -1 $remote_root
EOF
)"

if ((reboot == 1)); then
  step "Reboot if config.txt changed (--reboot)"
  run_ssh 'if [ -f /var/run/thermohand-reboot-needed ]; then sudo reboot; else echo "no reboot needed"; fi'
fi

echo
if ((dry_run == 1)); then
  echo "deploy.sh: dry run complete ($step_number steps); nothing was changed."
else
  echo "deploy.sh: ThermoHand $version installed on $host. If a REBOOT NEEDED line appeared above, reboot the Pi (or rerun with --reboot)."
fi
