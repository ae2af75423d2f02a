#!/usr/bin/env bash
# The product tour: `./lightshield up` of this checkout, driven through the CLI and the REST API only, as the two
# people who use it: the provider (a new tenant, its licence and an over-licence, a signature update rolled out canary
# first, the scan servers per host, the month's billing) and a tenant (a group policy, a scan now followed to its end,
# the detection only the new signature makes, a restore of the quarantined file made by the CLI with the tenant secret, a
# hunt for a file's hash and its quarantine, its agent's health, the audit chain). Every step checks what the person would see (exit codes, table rows, JSON fields) and prints a transcript.
# CI runs it on its clean checkout after the smoke. Exit code 0 when every step holds.
set -euo pipefail
set -m # background jobs in their own process group, with SIGINT not ignored (as in a terminal)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name=tour
source scripts/lib/up-session.sh
up_session_init 17540

# --- transcript helpers -------------------------------------------------------------------------------------------
# as PERSON ARGS...: runs `lightshield ARGS` with PERSON's stored login; prints the command and its output; keeps the
# output in $out and the exit code in $status.
as() {
  local person=$1
  shift
  printf '\n[%s] $ lightshield %s\n' "$person" "$*"
  status=0
  out=$(XDG_CONFIG_HOME="$work/$person" ./lightshield "$@" 2>&1) || status=$?
  sed 's/^/    /' <<<"$out"
}

expect_status() { [[ $status -eq $1 ]] || fail "expected exit code $1, got $status"; }
expect_text() { grep -qF -- "$1" <<<"$out" || fail "expected to see '$1'"; }

# field PYTHON-EXPRESSION [ARGS...]: evaluates the expression on the JSON in $out (as `d`; ARGS as sys.argv[2:]).
field() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$@" <<<"$out"; }

# wait_until SECONDS WHAT COMMAND...: runs COMMAND (quietly) until it succeeds.
wait_until() {
  local seconds=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "not within $seconds s: $what"
    sleep 2
  done
  echo "    ($what: after $((seconds - deadline + SECONDS)) s)"
}

# api PERSON METHOD PATH [JSON]: the REST API with PERSON's token; the answer in $out, the HTTP status in $http.
api() {
  local token
  token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/$1/lightshield/cli.json")
  printf '\n[%s] $ curl -X %s %s/api/v1/%s %s\n' "$1" "$2" "$center" "$3" "${4:-}"
  http=$(curl -s -o "$work/answer.json" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' ${4:+--data "$4"} "$center/api/v1/$3")
  out=$(cat "$work/answer.json")
  printf '    HTTP %s %s\n' "$http" "$(head -c 400 <<<"$out")"
}

# An agent on a VM of the new tenant: the real lightshield-agent, enrolled with the tenant's enrolment token.
vm_pids=()
start_vm() {
  local host=$1 token=$2
  LIGHTSHIELD_Agent__Center="https://127.0.0.1:$((port_base + 1))" \
    LIGHTSHIELD_Agent__CenterCertificateSha256="$center_fingerprint" \
    LIGHTSHIELD_Agent__EnrolmentToken="$token" LIGHTSHIELD_Agent__HostName="$host" LIGHTSHIELD_Agent__InstanceId="$host-instance" \
    LIGHTSHIELD_Agent__HypervisorHost="$(hostname)" LIGHTSHIELD_Agent__StateDirectory="$work/$host" \
    LIGHTSHIELD_OnAccess__Enabled=false LIGHTSHIELD_Firewall__Enabled=false \
    dotnet .build/Lightshield.Up/lightshield-agent.dll >"$work/$host.log" 2>&1 &
  vm_pids+=($!)
  echo "    started lightshield-agent as VM $host (state $work/$host)"
}
stop_vms() { for pid in "${vm_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; vm_pids=(); }
trap 'stop_vms; up_session_cleanup; [[ $EUID -ne 0 ]] || nft delete table inet tour_tenants_own_rules 2>/dev/null || true' EXIT

vcpus=$(python3 -c '
n = 0
for part in open("/sys/devices/system/cpu/online").read().strip().split(","):
    a, _, b = part.partition("-")
    n += int(b) - int(a) + 1 if b else 1
print(n)')

step "./lightshield up --data $work/up --port-base $port_base"
start_up
center_fingerprint=$(grep -oE 'Center certificate SHA-256 +[0-9a-f]{64}' "$work/up.log" | awk '{print $NF}')
[[ -n $center_fingerprint ]] || fail "up printed no center certificate fingerprint"
echo "tour: up is ready at $center"

# === The provider's day ==============================================================================================
step "PROVIDER signs in"
XDG_CONFIG_HOME="$work/provider" ./lightshield login --center "$center" --user admin --password-stdin <<<"$(credential providerAdminPassword)" \
  || fail "the provider admin cannot sign in"

step "PROVIDER onboards a tenant with its first admin"
as provider tenants create --name tour-corp --admin alice --json
expect_status 0
alice_password=$(field 'd["adminPassword"]')
as provider tenants list
expect_status 0
expect_text tour-corp

step "PROVIDER grants the tenant a licence of $vcpus vCPUs (one VM's worth)"
as provider licences grant --tenant tour-corp --vcpus "$vcpus" --valid-days 30
expect_status 0
expect_text "granted licence"

step "PROVIDER imports its cloud's VM inventory: tour-vm-1's instance, of tour-corp, with its $vcpus vCPUs"
printf 'instance_id,tenant,vcpus\ntour-vm-1-instance,tour-corp,%s\n' "$vcpus" >"$work/inventory.csv"
as provider inventory import "$work/inventory.csv"
expect_status 0
expect_text "1 added"
as provider inventory list --tenant tour-corp
expect_text tour-vm-1-instance

step "TENANT (alice) signs in, creates a group and an enrolment token; a first VM enrols"
# The provider chose that password: alice must replace it at her first sign-in (the second line is the new one).
XDG_CONFIG_HOME="$work/alice" ./lightshield login --center "$center" --tenant tour-corp --user alice --password-stdin \
  <<<"$alice_password"$'\n'"alice-chose-this-$alice_password" \
  || fail "the new tenant's admin cannot sign in with the one-time password and choose her own"
as alice groups create --name web
expect_status 0
as alice enrolment-tokens create --name fleet --group web --json
expect_status 0
enrolment_token=$(field 'd["token"]')
start_vm tour-vm-1 "$enrolment_token"
licence_state() {
  out=$(XDG_CONFIG_HOME="$work/provider" ./lightshield licences status --json 2>&1)
  [[ $(field '[t for t in d if t["tenantName"] == "tour-corp"][0]["state"]') == "$1" ]] \
    && [[ $(field '[t for t in d if t["tenantName"] == "tour-corp"][0]["activeVcpus"]') == "$2" ]]
}
wait_until 120 "tour-corp counts the first VM's $vcpus vCPUs and is within its licence" licence_state ok "$vcpus"
as provider licences status --tenant tour-corp
expect_text "ok"

step "A second VM enrols: the tenant is over its licence"
start_vm tour-vm-2 "$enrolment_token"
wait_until 150 "tour-corp is over-licence with $((2 * vcpus)) vCPUs" licence_state over-licence $((2 * vcpus))
as provider licences status --tenant tour-corp
expect_text "over-licence"
as alice agents list
expect_text tour-vm-1
expect_text tour-vm-2

step "PROVIDER imports a signature version that adds a hash signature, signed with the offline update key, and promotes it"
sample="$work/tour-sample.bin"
head -c 6000 /dev/urandom >"$sample"
mkdir "$work/signatures"
cp signatures/* "$work/signatures/"
rm -f "$work/signatures/"*.md
printf '%s:%s:Lightshield.Tour.Sample\n' "$(sha256sum "$sample" | cut -d' ' -f1)" "$(stat -c %s "$sample")" >"$work/signatures/tour.hsb"
as provider updates import "$work/signatures" --sign-with "$work/up/update-signing.key" --description "tour: the hash of one sample file" --json
expect_status 0
version=$(field 'd["version"]["id"]')
as provider updates promote "$version"
expect_status 0
expect_text "phase canary"
as provider updates status
rollout_full() {
  out=$(XDG_CONFIG_HOME="$work/provider" ./lightshield updates status --json 2>&1)
  [[ $(field 'd["phase"]') == full && $(field 'd["servers"].get("current", 0)') -ge 1 && $(field 'len([k for k in d["servers"] if k != "current"])') == 0 ]]
}
wait_until 240 "the rollout reaches every scan server (canary, soak, full)" rollout_full
as provider updates status
expect_text full
expect_text current
step "PROVIDER sees the scan servers per hypervisor host"
as provider updates hosts
expect_status 0
expect_text "$(hostname)"
expect_text current

step "PROVIDER exports the month's billing as CSV and checks tour-corp's row"
month=$(date -u +%Y-%m)
as provider billing export --month "$month" --tenant tour-corp --format csv
expect_status 0
row=$(grep ",tour-corp," <<<"$out") || fail "no tour-corp row in the CSV"
IFS=, read -r _ _ _ peak _ _ licensed _ peak_overage <<<"${row%$'\r'}"
[[ $peak -eq $((2 * vcpus)) && $licensed -eq $vcpus && $peak_overage -eq $vcpus ]] \
  || fail "billing: peak $peak, licensed $licensed, peak overage $peak_overage; expected $((2 * vcpus)), $vcpus, $vcpus"
echo "    (peak $peak vCPUs, licensed $licensed, peak overage $peak_overage: as enrolled)"
stop_vms

# === The tenant's day (the demo tenant, whose agent is this machine) =================================================
step "TENANT (demo-admin) signs in"
XDG_CONFIG_HOME="$work/tenant" ./lightshield login --center "$center" --tenant demo --user demo-admin --password-stdin \
  <<<"$(credential tenantAdminPassword)" || fail "the demo tenant's admin cannot sign in"

step "TENANT edits the group policy: an exclusion, the action, a schedule"
files="$work/up/tour-files"
mkdir -p "$files/excluded"
as tenant policy show demo-vms --json
expect_status 0
old_version=$(field 'd["version"]')
field 'json.dumps(d["policy"])' | python3 -c '
import json, sys
policy = json.load(sys.stdin)
policy["onDemand"]["excludedPaths"] = policy["onDemand"]["excludedPaths"] + [sys.argv[1] + "/excluded/**"]
policy["infectedAction"] = "quarantine"
policy["schedules"] = [{"name": "weekly", "cron": "30 3 * * 0", "kind": "full-scan", "spreadMinutes": 120}]
json.dump(policy, open(sys.argv[2], "w"))' "$files" "$work/policy.json"
as tenant policy set demo-vms --file "$work/policy.json"
expect_status 0
expect_text "is now version $((old_version + 1))"
as tenant policy show demo-vms
expect_text "$files/excluded/**"
expect_text weekly

step "TENANT starts a scan now of a folder with the sample, a clean file and an excluded EICAR; follows it to the end"
cp "$sample" "$files/report.bin"
echo "quarterly figures" >"$files/clean.txt"
printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$files/excluded/eicar.com"
policy_applied() { grep -q "$files/excluded" "$work/up/agent/policy.json" 2>/dev/null; }
wait_until 60 "the agent holds the new policy" policy_applied
as tenant tasks start --kind scan --path "$files" --agent "$(hostname)" --json
expect_status 0
task=$(field 'd["id"]')
task_done() {
  out=$(XDG_CONFIG_HOME="$work/tenant" ./lightshield tasks show "${task:0:8}" --json 2>&1)
  [[ $(field 'd["task"]["progress"]["completed"] + d["task"]["progress"]["failed"]') -ge 1 ]]
}
wait_until 120 "the task is done" task_done
as tenant tasks show "${task:0:8}"
as tenant tasks show "${task:0:8}" --json >/dev/null
[[ $(field 'd["task"]["progress"]["filesScanned"]') -eq 2 ]] || fail "the task should count 2 files (the excluded one not)"
[[ $(field 'd["task"]["progress"]["filesInfected"]') -eq 1 ]] || fail "the task should count 1 infected file"

step "TENANT sees the detection that only the new signature makes; the file is quarantined"
detected() {
  out=$(XDG_CONFIG_HOME="$work/tenant" ./lightshield events list --type detection --search Lightshield.Tour.Sample 2>&1)
  grep -q Lightshield.Tour.Sample <<<"$out"
}
wait_until 60 "the detection event reaches the center" detected
# A quarantined file's path reaches the center only sealed to the tenant key: the detection is found by its name.
as tenant events list --type detection --search Lightshield.Tour.Sample
expect_text "Lightshield.Tour.Sample.UNOFFICIAL"
expect_text quarantined
[[ ! -e $files/report.bin ]] || fail "report.bin is still in place"
[[ -e $files/excluded/eicar.com ]] || fail "the excluded EICAR was touched"

step "TENANT restores the quarantined file: the CLI opens the tenant key with the secret; the center never sees it"
TOUR_TENANT_SECRET=$(credential tenantSecret)
export TOUR_TENANT_SECRET
as tenant quarantine-items list
expect_text encrypted
# The center holds the original paths sealed to the tenant key: the CLI opens them with the secret.
as tenant quarantine-items list --secret-env TOUR_TENANT_SECRET --json
expect_status 0
item=$(field '[i for i in d if i["path"].endswith("/report.bin")][0]["id"]')
api tenant POST "quarantine/$item/restore" "{\"secret\":\"$(credential tenantSecret)\"}"
[[ $http == 400 ]] || fail "the center should refuse a restore request carrying the tenant secret: HTTP $http"
as tenant quarantine-items restore "$item" --secret-env TOUR_TENANT_SECRET
expect_status 0
expect_text "restore of $item ordered"
wait_until 60 "the agent restores report.bin" test -e "$files/report.bin"
cmp "$sample" "$files/report.bin" || fail "the restored bytes differ from the original"
echo "    (report.bin restored, byte for byte)"

step "TENANT hunts a file's SHA-256 across its VMs: this machine's agent answers with the path; quarantine them all"
# The agent matches its own index of what it scanned: the center never holds the tenant's file list.
clean_sha=$(sha256sum "$files/clean.txt" | cut -d' ' -f1)
as tenant hunts start --sha256 "$clean_sha" --json
expect_status 0
hunt=$(field 'd["id"]')
hunt_answered() {
  out=$(XDG_CONFIG_HOME="$work/tenant" ./lightshield hunts show "${hunt:0:8}" --json 2>&1)
  [[ $(field 'd["hunt"]["answered"] >= 1') == True ]]
}
wait_until 90 "this machine's agent answers the hunt" hunt_answered
as tenant hunts show "${hunt:0:8}" --json >/dev/null
[[ $(field '[f["state"] for a in d["agents"] for f in a["files"] if f["path"] == sys.argv[2]]' "$files/clean.txt") == "['present']" ]] \
  || fail "the hunt should find clean.txt present on this machine"
[[ $(field '[f["lastScannedAt"][:4] for a in d["agents"] for f in a["files"]][0]') != 1970 ]] \
  || fail "the hunt should say since when the VM has the file, not the epoch"
as tenant hunts show "${hunt:0:8}"
as tenant hunts quarantine "${hunt:0:8}"
expect_status 0
expect_text "asked 1 agents"
wait_until 90 "the agent quarantines clean.txt" test ! -e "$files/clean.txt"
echo "    (clean.txt quarantined by the hunt)"

step "TENANT sees its agent's health: the level with its reasons, and the VM's whole report"
health_reported() {
  out=$(XDG_CONFIG_HOME="$work/tenant" ./lightshield health show "$(hostname)" --json 2>&1)
  [[ $(field 'd["agent"]["reportedAt"] is not None and len(d["fileSystems"]) > 0') == True ]]
}
wait_until 60 "the agent's health report reaches the center" health_reported
as tenant health
expect_status 0
expect_text "$(hostname)"
as tenant health show "$(hostname)"
expect_status 0
expect_text "Reboot required"
as tenant health show "$(hostname)" --json >/dev/null
[[ $(field 'd["agent"]["level"] in ("green", "amber", "red") and all(r["message"] for r in d["agent"]["reasons"])') == True ]] \
  || fail "the health level should be green, amber or red, each reason with its message"
[[ $(field 'd["firewall"]') == off ]] || fail "the agent should report its firewall as off (the demo policy does not turn it on)"
as provider health tenants --json
expect_status 0
[[ $(field '[t["agents"] for t in d if t["tenantName"] == "demo"][0]') -ge 1 ]] || fail "the provider should count the demo tenant's agent"
grep -qF -- "$(hostname)" <<<"$out" && fail "the provider's health counts name a tenant's VM"
as provider health
[[ $status -ne 0 ]] || fail "the provider should not see a tenant's per-VM health"

step "TENANT rolls out a deny-by-default inbound firewall in monitor mode; the VM reports it; only the agent's own table changes"
# These "VMs" share this machine's kernel, so only up's agent enforces a firewall (the tour's VM agents run with it off).
if [[ $EUID -ne 0 ]]; then
  echo "    skipped: the agent's firewall needs root (nftables), and up turns it on only then"
else
  nft add table inet tour_tenants_own_rules
  nft add chain inet tour_tenants_own_rules input '{ type filter hook input priority 10; policy accept; }'
  own_rules=$(nft list table inet tour_tenants_own_rules)
  set_firewall() {
    # The group's policy (shown in full above) with only its firewall replaced; read quietly to keep the transcript short.
    out=$(XDG_CONFIG_HOME="$work/tenant" ./lightshield policy show demo-vms --json 2>&1) || fail "policy show failed: $out"
    field 'json.dumps(d["policy"])' | python3 -c '
import json, sys
policy = json.load(sys.stdin)
policy["firewall"] = json.loads(sys.argv[1])
json.dump(policy, open(sys.argv[2], "w"))' "$1" "$work/firewall-policy.json"
    as tenant policy set demo-vms --file "$work/firewall-policy.json"
    expect_status 0
  }
  firewall_is() {
    out=$(XDG_CONFIG_HOME="$work/tenant" ./lightshield health show "$(hostname)" --json 2>&1)
    [[ $(field 'd["firewall"]') == "$1" ]]
  }
  set_firewall '{"mode":"monitor","defaultInbound":"deny","rules":[{"name":"ssh","direction":"inbound","protocol":"tcp","localPorts":["22"],"action":"allow"}]}'
  wait_until 90 "the agent applies the policy and reports its firewall in monitor mode" firewall_is monitor
  as tenant health show "$(hostname)" --json >/dev/null
  [[ $(field 'sorted(c["rule"] for c in d["firewallCounters"]) == ["default inbound", "default outbound", "ssh"]') == True ]] \
    || fail "the VM should report a counter per rule and default"
  echo "    $ nft list table inet lightshield"
  table=$(nft list table inet lightshield)
  sed 's/^/    /' <<<"$table" | head -40
  grep -qF 'comment "talkers in"' <<<"$table" || fail "monitor mode should record who the default would block (talker rule)"
  grep -qE ' drop( |$)' <<<"$table" && fail "monitor mode drops nothing"
  [[ $(nft list table inet tour_tenants_own_rules) == "$own_rules" ]] || fail "the tenant's own table must stay as it was"
  set_firewall '{"mode":"off"}'
  wait_until 90 "the agent removes its table when the policy turns the firewall off" firewall_is off
  nft list table inet lightshield >/dev/null 2>&1 && fail "with the firewall off the agent's table should be gone"
  [[ $(nft list table inet tour_tenants_own_rules) == "$own_rules" ]] || fail "the tenant's own table must stay as it was"
  nft delete table inet tour_tenants_own_rules
fi

step "TENANT reads its audit trail: its policy change and its restore"
as tenant audit list --json
expect_status 0
[[ $(field 'len([r for r in d if r["action"] in ("policy.update", "quarantine.restore")])') -ge 2 ]] \
  || fail "the tenant's audit rows should show its policy change and its restore"
[[ $(field 'len(set(r["tenantId"] for r in d))') -eq 1 ]] || fail "the tenant sees audit rows of another tenant or of the provider"
as tenant audit list --action quarantine.restore
expect_text quarantine.restore

step "PROVIDER verifies the audit chain (one chain for the whole center: its verification reads every tenant's rows)"
as provider audit verify
expect_status 0
expect_text intact

step "up stops cleanly"
stop_up TERM
echo
echo "tour: the provider's day and the tenant's day hold, end to end"
