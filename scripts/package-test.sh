#!/usr/bin/env bash
# The packages as a provider meets them (issue 22): builds the four .debs, installs them with apt-get, starts the three
# services (with systemd where it runs; otherwise the same binaries with their unit's user, environment and command
# line), enrols the agent with the one-line `lightshield-agent enrol`, scans a planted EICAR through the installed
# services, upgrades to rebuilt packages (bumped version) and checks that state survived, removes them and checks that
# no service process, firewall table or fanotify mark is left, then purges. Exit 0 when every step holds.
#
# On a shared machine: the services and apt's maintainer scripts run in a network namespace of their own (their own
# loopback and ports, the agent's firewall table only there); on-access protects only a tmpfs made for the test;
# anything installed, started or created is removed on exit, also on failure. Needs root; refuses to run where
# Lightshield is already installed.
# Usage: scripts/package-test.sh [--build-dir DIR]
#   --build-dir DIR  build the packages in DIR and keep it; a publish already there is repackaged instead of rebuilt
#                    (quicker reruns while working on the packaging; CI builds afresh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=""
if [[ ${1:-} == --build-dir ]]; then build_dir=$(mkdir -p "$2" && cd "$2" && pwd); fi
[[ $(id -u) -eq 0 ]] || { echo "package-test: needs root (apt-get install, a network namespace, fanotify)" >&2; exit 2; }
scripts/ensure-packages.sh libclamav12 bubblewrap util-linux libnftables1 nftables iproute2 python3 curl openssl

# One run at a time on this machine (/etc/lightshield and /var/lib/lightshield are the machine's).
exec 9>/run/lock/lightshield-package-test.lock
flock -w 900 9 || { echo "package-test: another package test holds the lock" >&2; exit 2; }
packages=(lightshield-agent lightshield-svm lightshield-center lightshield)
for package in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'installed\|config-files'; then
    echo "package-test: $package is already on this machine; this test installs and purges it, so it will not run here" >&2
    exit 2
  fi
done
[[ ! -e /etc/lightshield && ! -e /var/lib/lightshield ]] \
  || { echo "package-test: /etc/lightshield or /var/lib/lightshield exists; refusing to touch it" >&2; exit 2; }
created_users=()
for user in lightshield-svm lightshield-center; do getent passwd "$user" >/dev/null || created_users+=("$user"); done

work=$(mktemp -d /tmp/lightshield-package-test.XXXXXX)
chmod 0755 "$work"
ns=lightshield-pkg-$$
protected=$work/protected
started=()
systemd=0
[[ -d /run/systemd/system ]] && systemd=1

in_ns() { if [[ $systemd -eq 1 ]]; then "$@"; else ip netns exec "$ns" "$@"; fi; }
apt_get() { in_ns env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q "$@"; }

cleanup() {
  local status=$?
  set +e
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${started[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  local installed=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'installed\|config-files' && installed+=("$package")
  done
  [[ ${#installed[@]} -gt 0 ]] && apt_get purge "${installed[@]}" >"$work/cleanup-purge.log" 2>&1
  mountpoint -q "$protected" && umount "$protected"
  [[ $systemd -eq 0 ]] && ip netns del "$ns" 2>/dev/null
  for user in "${created_users[@]}"; do
    getent passwd "$user" >/dev/null && userdel "$user"
    getent group "$user" >/dev/null && groupdel "$user"
  done
  rm -rf /var/lib/lightshield /etc/lightshield
  if [[ $status -ne 0 ]]; then
    for log in "$work"/*.log; do echo "--- $log"; tail -40 "$log"; done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
# wait_until SECONDS WHAT COMMAND...
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "not within the time: $what"
    for pid in "${started[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a service exited (pid $pid) while waiting for: $what"; done
    sleep 1
  done
}

# start_service NAME: with systemd, systemctl start; otherwise the unit's ExecStart as its User with its Environment
# (read from the installed unit file), in the test's network namespace, logging to $work/NAME.log as the journal would.
start_service() {
  local name=$1 unit=/usr/lib/systemd/system/$1.service
  if [[ $systemd -eq 1 ]]; then
    systemctl start "$name"
    return
  fi
  local user exec environment=()
  user=$(sed -n 's/^User=//p' "$unit")
  exec=$(sed -n 's/^ExecStart=//p' "$unit")
  while read -r line; do environment+=("$line"); done < <(sed -n 's/^Environment=//p' "$unit")
  local home
  home=$(getent passwd "$user" | cut -d: -f6)
  ip netns exec "$ns" setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs -- \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" "${environment[@]}" $exec >>"$work/$name.log" 2>&1 &
  started+=($!)
}

stop_services() {
  # What prerm does on an upgrade or removal anyway; explicit here so a failure names the service.
  if [[ $systemd -eq 1 ]]; then systemctl stop lightshield-agent lightshield-svm lightshield-center; fi
}

# lightshield ARGS: the installed CLI as PERSON ($as) with its own stored login.
as=provider
cli() { in_ns env XDG_CONFIG_HOME="$work/$as" lightshield "$@"; }

service_processes() {
  local exe
  for proc in /proc/[0-9]*; do
    exe=$(readlink "$proc/exe" 2>/dev/null) || continue
    [[ $exe == /usr/lib/lightshield/* ]] && echo "${proc#/proc/} $exe"
  done
  return 0
}

# The kernel's name for the tmpfs's super block, as fanotify's fdinfo prints it (sdev:%x, major << 20 | minor).
fanotify_marks_on_protected() {
  local sdev
  sdev=$(printf '%x' $(( $(stat -c '%Hd' "$protected") << 20 | $(stat -c '%Ld' "$protected") )))
  grep -ls "^fanotify .*sdev:$sdev\b" /proc/[0-9]*/fdinfo/* 2>/dev/null || true
}

firewall_table() { in_ns nft list tables 2>/dev/null | grep -x 'table inet lightshield' || true; }
has_firewall_table() { [[ -n $(firewall_table) ]]; }
agent_listed() { cli agents list --json | grep -q "$agent_id"; }
index_entries() {
  python3 -c 'import sqlite3; print(sqlite3.connect("file:/var/lib/lightshield/agent/agent.db?mode=ro", uri=True).execute("select count(*) from file_index").fetchone()[0])'
}

vault_items() { find /var/lib/lightshield/agent/quarantine -type f 2>/dev/null | wc -l; }

eicar() { printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD' '-ANTIVIRUS-TEST-FILE!$H+H*' >"$1"; }

started_at=$SECONDS
step "build the packages (version 0.1.0~test1)"
build_out=${build_dir:-$work/build}
reuse=()
[[ -n $build_dir && -d $build_dir/publish ]] && reuse=(--no-publish)
scripts/build-packages.sh --version 0.1.0~test1 --out "$build_out" "${reuse[@]}" | tee "$work/v1.list"
[[ $(wc -l <"$work/v1.list") -eq 4 ]] || fail "expected four packages"
for deb in $(cat "$work/v1.list"); do
  [[ $(dpkg-deb -f "$deb" Version) == 0.1.0~test1 ]] || fail "$deb: version $(dpkg-deb -f "$deb" Version), expected 0.1.0~test1"
done
echo "built in $((SECONDS - started_at)) s"

if [[ $systemd -eq 0 ]]; then
  step "no systemd here (PID 1 is $(cat /proc/1/comm)): the services run from their units' ExecStart, User and Environment in network namespace $ns"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
fi

step "apt-get install ./lightshield-*.deb"
apt_get install --no-install-recommends $(cat "$work/v1.list") >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "apt-get install"; }
for package in "${packages[@]}"; do
  [[ $(dpkg-query -W -f='${Version}' "$package") == 0.1.0~test1 ]] || fail "$package is not installed at 0.1.0~test1"
done
for conffile in agent svm center; do
  grep -qx "/etc/lightshield/$conffile.json" /var/lib/dpkg/info/lightshield-$conffile.conffiles || fail "$conffile.json is not a conffile"
done
[[ $(stat -c '%U %a' /var/lib/lightshield/agent) == "root 700" ]] || fail "agent state directory: $(stat -c '%U %a' /var/lib/lightshield/agent)"
[[ $(stat -c '%U' /var/lib/lightshield/svm) == lightshield-svm ]] || fail "the scan server's state is not its user's"
[[ $(stat -c '%U %a' /var/lib/lightshield/center) == "lightshield-center 700" ]] || fail "the center's state is not its user's alone"
[[ $(stat -c '%G %a' /etc/lightshield/svm.json) == "lightshield-svm 640" ]] || fail "svm.json is readable by others"
grep -qE '^[0-9a-f-]{36}$' /var/lib/lightshield/svm/server-id || fail "no server id before the first start"
lightshield-agent --help | grep -q enrol || fail "lightshield-agent --help does not list enrol"

step "start the center (SQLite in /var/lib/lightshield/center)"
start_service lightshield-center
wait_until 90 "the center writes its initial admin password" test -s /var/lib/lightshield/center/initial-admin-password
wait_until 90 "the center logs its gRPC certificate" grep -q 'gRPC endpoint.*SHA-256' "$work/lightshield-center.log" 2>/dev/null \
  || [[ $systemd -eq 1 ]]
if [[ $systemd -eq 1 ]]; then
  fingerprint=$(journalctl -u lightshield-center -o cat | grep -oE 'SHA-256 [0-9a-f]{64}' | tail -1 | cut -d' ' -f2)
else
  fingerprint=$(grep -oE 'SHA-256 [0-9a-f]{64}' "$work/lightshield-center.log" | tail -1 | cut -d' ' -f2)
fi
[[ -n $fingerprint ]] || fail "no center certificate fingerprint"
[[ $(stat -c %U /proc/"$(pgrep -f -n /usr/lib/lightshield/center/lightshield-center)") == lightshield-center ]] \
  || fail "the center does not run as lightshield-center"
center=https://127.0.0.1:7500
admin_password=$(cat /var/lib/lightshield/center/initial-admin-password)
provider_password="provider-chose-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
wait_until 120 "the center answers /health/ready" in_ns curl -skf "$center/health/ready"
# Once: the first sign-in replaces the generated password.
cli login --center "$center" --center-cert-sha256 "$fingerprint" --user admin \
  --password-stdin <<<"$admin_password"$'\n'"$provider_password" || fail "the provider admin cannot sign in"

step "the provider onboards a tenant and registers the scan server (token bound to its server id)"
out=$(cli tenants create --name pkg-corp --admin alice --json)
alice_first=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["adminPassword"])' <<<"$out")
cli licences grant --tenant pkg-corp --vcpus "$(nproc)" --valid-days 30 >/dev/null
provider_token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/provider/lightshield/cli.json")
server_id=$(cat /var/lib/lightshield/svm/server-id)
out=$(in_ns curl -sf --cacert /dev/null -k -H "Authorization: Bearer $provider_token" -H 'Content-Type: application/json' \
  --data "{\"name\":\"package-test\",\"serverId\":\"$server_id\",\"hypervisorHost\":\"$(hostname)\",\"segment\":\"default\"}" \
  "$center/api/v1/scan-servers/tokens")
svm_token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$out")
# The administrator's edit of the conffile: the center to register with.
python3 - "$svm_token" "$fingerprint" <<'PY'
import json, sys
path = "/etc/lightshield/svm.json"
settings = json.load(open(path))
# The starter database shipped in the package; a site takes updates from the center (Svm:TrustedUpdateKeys).
settings["Svm"].update({"Center": "https://127.0.0.1:7501", "CenterToken": sys.argv[1], "CenterCertificateSha256": sys.argv[2],
                        "CenterUpdates": False})
json.dump(settings, open(path, "w"), indent=2)
PY

step "start the scan server (as lightshield-svm, libclamav in bubblewrap workers)"
start_service lightshield-svm
wait_until 120 "the scan server is ready" in_ns curl -sf http://127.0.0.1:7480/health/ready
[[ $(stat -c %U /proc/"$(pgrep -f -n /usr/lib/lightshield/svm/lightshield-svm)") == lightshield-svm ]] \
  || fail "the scan server does not run as lightshield-svm"

step "the tenant prepares a group: quarantine key, on-access on the test's tmpfs only, the firewall monitoring"
mkdir "$protected"
mount -t tmpfs -o size=16m,mode=0755 lightshield-test "$protected"
as=alice
alice_password="alice-chose-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
cli login --center "$center" --center-cert-sha256 "$fingerprint" --tenant pkg-corp --user alice \
  --password-stdin <<<"$alice_first"$'\n'"$alice_password" >/dev/null
export PKG_TEST_SECRET="tenant-secret-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
in_ns env XDG_CONFIG_HOME="$work/alice" PKG_TEST_SECRET="$PKG_TEST_SECRET" lightshield quarantine-key create --secret-env PKG_TEST_SECRET >/dev/null
cli groups create --name fleet >/dev/null
cli policy show fleet --json >"$work/policy-shown.json"
python3 - "$protected" "$work/policy.json" "$work/policy-shown.json" <<'PY'
import json, sys
policy = json.load(open(sys.argv[3]))["policy"]
policy["onAccess"]["enabled"] = True
policy["onAccess"]["protectedPaths"] = [sys.argv[1]]
policy["infectedAction"] = "quarantine"
policy["firewall"]["mode"] = "monitor"
json.dump(policy, open(sys.argv[2], "w"))
PY
cli policy set fleet --file "$work/policy.json" >/dev/null
out=$(cli enrolment-tokens create --name package-test --group fleet --json)
(umask 077; python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$out" >"$work/enrolment-token")

step "lightshield-agent enrol --center ... --token-file ... --center-cert-sha256 ... (the cloud-init line)"
in_ns lightshield-agent enrol --center https://127.0.0.1:7501 --token-file "$work/enrolment-token" --center-cert-sha256 "$fingerprint" \
  | tee "$work/enrol.out"
grep -q "enrolled: agent" "$work/enrol.out" || fail "enrol did not say it enrolled"
[[ -f /var/lib/lightshield/agent/center.json && -f /var/lib/lightshield/agent/enrolment.json ]] || fail "enrol recorded no enrolment"
agent_id=$(python3 -c 'import json; print(json.load(open("/var/lib/lightshield/agent/enrolment.json"))["AgentId"])')
in_ns lightshield-agent enrol --center https://127.0.0.1:7501 --token bad-token --center-cert-sha256 "$fingerprint" | grep -q "already enrolled" \
  || fail "a second enrol did not say it was already enrolled"

step "start the agent (root, the unit's capabilities); it takes its policy and scan server from the center"
start_service lightshield-agent
wait_until 90 "the agent stored its group's policy" test -s /var/lib/lightshield/agent/policy.json
wait_until 90 "the agent's firewall table (monitor mode) exists in its network" has_firewall_table

step "a planted EICAR, scanned through the installed services: lightshield-agent scan exits 1 and quarantines it"
mkdir "$work/planted"
eicar "$work/planted/eicar.com"
echo "quarterly figures" >"$work/planted/clean.txt"
set +e
in_ns lightshield-agent scan "$work/planted" --wait | tee "$work/scan.out"
status=${PIPESTATUS[0]}
set -e
[[ $status -eq 1 ]] || fail "lightshield-agent scan exit code $status, expected 1 (found)"
wait_until 30 "the EICAR is in the vault" test "$(vault_items)" -ge 1
[[ ! -e $work/planted/eicar.com ]] || fail "the EICAR is still in place"
as=alice
wait_until 60 "the center lists the agent" agent_listed
vault_before=$(vault_items)
index_before=$(index_entries)
[[ $index_before -ge 1 ]] || fail "the agent's index holds no entry after a scan"
echo "agent $agent_id, $vault_before vault item(s), $index_before index entries"

step "upgrade: rebuilt packages 0.1.0~test2, state kept"
scripts/build-packages.sh --version 0.1.0~test2 --out "$build_out" --no-publish | tee "$work/v2.list"
stop_services
apt_get install --no-install-recommends $(cat "$work/v2.list") >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "apt-get install (upgrade)"; }
for package in "${packages[@]}"; do
  [[ $(dpkg-query -W -f='${Version}' "$package") == 0.1.0~test2 ]] || fail "$package was not upgraded"
done
[[ -z $(service_processes) ]] || fail "processes of the old version still run: $(service_processes)"
started=() # stopped by the old packages' prerm
grep -q CenterToken /etc/lightshield/svm.json || fail "the upgrade replaced the administrator's svm.json"
start_service lightshield-center
start_service lightshield-svm
start_service lightshield-agent
wait_until 120 "the scan server is ready again" in_ns curl -sf http://127.0.0.1:7480/health/ready
[[ $(python3 -c 'import json; print(json.load(open("/var/lib/lightshield/agent/enrolment.json"))["AgentId"])') == "$agent_id" ]] \
  || fail "the agent enrolled again"
[[ $(vault_items) -eq $vault_before ]] || fail "the vault changed across the upgrade"
index_after=$(index_entries)
[[ $index_after -ge $index_before ]] || fail "the index lost entries ($index_before -> $index_after)"
as=alice
wait_until 60 "alice still signs in to the upgraded center (its database kept)" cli agents list --json
[[ $(cli agents list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 1 ]] || fail "the center lists more than one agent"

step "on access, after the restart (the policy's on-access part): fanotify marks the tmpfs; an EICAR written there is quarantined"
wait_until 60 "the agent's fanotify mark on the test's tmpfs" test -n "$(fanotify_marks_on_protected)"
eicar "$protected/eicar-on-access.com"
wait_until 60 "the on-access EICAR is quarantined" test ! -e "$protected/eicar-on-access.com"
wait_until 30 "the firewall table is back" has_firewall_table

step "apt-get remove: no service process, firewall table or fanotify mark left; the vault kept"
vault_before=$(vault_items)
apt_get remove "${packages[@]}" >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "apt-get remove"; }
cat "$work/remove.log" | grep -i lightshield | grep -v "^Removing\|^(Reading" || true
grep -q "removed the firewall table the agent left" "$work/remove.log" && fail "the agent did not remove its own firewall table when it stopped"
[[ -z $(service_processes) ]] || fail "processes left: $(service_processes)"
[[ -z $(firewall_table) ]] || fail "firewall table left"
[[ -z $(fanotify_marks_on_protected) ]] || fail "fanotify marks left: $(fanotify_marks_on_protected)"
[[ $(vault_items) -eq $vault_before && $vault_before -ge 2 ]] || fail "the vault was not kept ($(vault_items) of $vault_before items)"
[[ -f /etc/lightshield/agent.json ]] || fail "remove deleted a conffile"
started=()

step "apt-get purge: state, vault and configuration gone"
# What remove left (packages with conffiles); the CLI has none, so it is gone already.
leftover=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q config-files && leftover+=("$package")
done
[[ ${#leftover[@]} -eq 3 ]] || fail "expected the three services' conffiles after remove, found: ${leftover[*]}"
apt_get purge "${leftover[@]}" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge"; }
[[ ! -e /var/lib/lightshield && ! -e /etc/lightshield ]] || fail "purge left $(ls -d /var/lib/lightshield /etc/lightshield 2>/dev/null)"
echo
echo "package-test: passed in $((SECONDS - started_at)) s"
