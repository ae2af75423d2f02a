#!/usr/bin/env bash
# The README's first command, as a new user runs it on a fresh clone: `./lightshield up` on free loopback ports and a
# temporary data directory comes up, the console's login page answers 200, `lightshield login` and `agents list` show
# the local agent, `lightshield scan` of a planted EICAR exits 1, and `up` stops cleanly on SIGTERM and on SIGINT. Also:
# libclamav is mapped only by the sandboxed scan worker, whose network namespace holds nothing but lo.
# CI runs this on its clean checkout before anything else builds. Exit code 0 when every step holds.
set -euo pipefail
set -m # background jobs in their own process group, with SIGINT not ignored (as in a terminal)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name=smoke
source scripts/lib/up-session.sh
up_session_init 17500

step "./lightshield up --data $work/up --port-base $port_base (first run: builds)"
start_up
echo "smoke: up is ready; the console's login page answers 200 at $center/login"

step "libclamav runs only in the sandboxed scan worker, which has no network"
if grep -q libclamav "/proc/$up_pid/maps"; then fail "the up process (center, scan server, agent) maps libclamav"; fi
descends_from_up() { local pid=$1; while ((pid > 1)); do ((pid == up_pid)) && return 0; pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || echo 1); done; return 1; }
worker=""
for pid in $(pgrep -f 'lightshield-scan-worker' || true); do
  if descends_from_up "$pid" && grep -q libclamav "/proc/$pid/maps" 2>/dev/null; then worker=$pid; break; fi
done
[[ -n $worker ]] || fail "no scan worker process maps libclamav"
interfaces=$(tail -n +3 "/proc/$worker/net/dev" | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')
[[ $interfaces == "lo " ]] || fail "the scan worker's network namespace has interfaces: $interfaces"
echo "smoke: up (pid $up_pid) does not map libclamav; worker $worker does, and its network namespace has only: $interfaces"

step "lightshield login as the demo tenant's admin"
password=$(credential tenantAdminPassword)
[[ -n $password ]] || fail "no tenant admin password in up-credentials.json"
./lightshield login --center "$center" --tenant demo --user demo-admin --password-stdin <<<"$password" || fail "login failed"

step "lightshield agents list shows the local agent"
agents=$(./lightshield agents list) || fail "agents list failed"
echo "$agents"
grep -q "$(hostname)" <<<"$agents" || fail "the local agent ($(hostname)) is not listed"

step "lightshield scan of a planted EICAR exits 1"
printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$work/eicar.com"
status=0
./lightshield scan "$work/eicar.com" || status=$?
[[ $status -eq 1 ]] || fail "lightshield scan of EICAR exited $status, not 1"

step "SIGTERM stops up cleanly"
stop_up TERM
step "up starts again on the same data directory; SIGINT stops it cleanly"
start_up
stop_up INT
echo
echo "smoke: the first run works: up, console, login, agents, scan, SIGTERM and SIGINT"
