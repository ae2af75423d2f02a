#!/usr/bin/env bash
# The README's first command, as a new user runs it on a fresh clone: `./lightshield up` on free loopback ports and a
# temporary data directory comes up, the console's login page answers 200, `lightshield login` and `agents list` show
# the local agent, `lightshield scan` of a planted EICAR exits 1, and `up` stops cleanly on SIGTERM and on SIGINT.
# CI runs this on its clean checkout before anything else builds. Exit code 0 when every step holds.
set -euo pipefail
set -m # background jobs in their own process group, with SIGINT not ignored (as in a terminal)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-packages.sh curl

work="$(mktemp -d /tmp/lightshield-smoke.XXXXXX)"
up_pid=""
cleanup() {
  [[ -n $up_pid ]] && kill -KILL "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" # the CLI keeps its login here, not in the user's home

step() { printf '\nsmoke: %s\n' "$*"; }
fail() {
  echo "smoke: FAILED: $*" >&2
  [[ -f $work/up.log ]] && { echo "--- last lines of lightshield up's output:" >&2; tail -n 40 "$work/up.log" >&2; }
  exit 1
}

# Four consecutive free loopback ports (center REST, center gRPC, scan server gRPC, scan server ops).
port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=17500
until port_free $base && port_free $((base + 1)) && port_free $((base + 2)) && port_free $((base + 3)); do base=$((base + 4)); done
center="http://127.0.0.1:$base"

start_up() {
  # As from a terminal, where Ctrl+C reaches up: a CI runner or `nohup` may have started this script with SIGINT
  # ignored, which every child inherits (and .NET keeps ignoring); reset it for up.
  env --default-signal=INT ./lightshield up --data "$work/up" --port-base "$base" >"$work/up.log" 2>&1 &
  up_pid=$!
  local deadline=$((SECONDS + 900)) # the first start builds the stack
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$center/login" || true) == 200 ]] && grep -q "Web console" "$work/up.log"; do
    kill -0 "$up_pid" 2>/dev/null || fail "lightshield up exited before it was ready"
    ((SECONDS < deadline)) || fail "lightshield up was not ready within 900 s"
    sleep 1
  done
}

stop_up() { # stop_up SIGNAL: up exits 0 within 60 s
  kill -"$1" "$up_pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$up_pid" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "lightshield up did not stop within 60 s of SIG$1"
    sleep 0.5
  done
  local status=0
  wait "$up_pid" || status=$?
  up_pid=""
  [[ $status -eq 0 ]] || fail "lightshield up exited $status on SIG$1"
}

step "./lightshield up --data $work/up --port-base $base (first run: builds)"
start_up
echo "smoke: up is ready; the console's login page answers 200 at $center/login"

step "lightshield login as the demo tenant's admin"
password=$(sed -n 's/.*"tenantAdminPassword": *"\([^"]*\)".*/\1/p' "$work/up/up-credentials.json")
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
