# Sourced by scripts/smoke-up.sh and scripts/tour.sh: a `./lightshield up` of this checkout on free loopback ports and
# a temporary data directory, stopped and removed when the script ends. Before sourcing, set `name` (the prefix of
# every line this prints). After `up_session_init`: $work (temporary directory), $center (the REST base URL),
# $credentials (up-credentials.json); XDG_CONFIG_HOME points into $work (the CLI's login is kept there).

up_pid=""

up_session_init() {
  scripts/ensure-packages.sh curl python3
  work="$(mktemp -d "/tmp/lightshield-$name.XXXXXX")"
  trap up_session_cleanup EXIT
  export XDG_CONFIG_HOME="$work/config"
  local base=${1:-17500}
  # Four consecutive free loopback ports (center REST, center gRPC, scan server gRPC, scan server ops).
  until port_free "$base" && port_free $((base + 1)) && port_free $((base + 2)) && port_free $((base + 3)); do base=$((base + 4)); done
  port_base=$base
  center="http://127.0.0.1:$base"
  credentials="$work/up/up-credentials.json"
}

up_session_cleanup() {
  [[ -n $up_pid ]] && kill -KILL "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

step() { printf '\n%s: %s\n' "$name" "$*"; }

fail() {
  echo "$name: FAILED: $*" >&2
  [[ -f $work/up.log ]] && { echo "--- last lines of lightshield up's output:" >&2; tail -n 40 "$work/up.log" >&2; }
  exit 1
}

# start_up: starts up in the background and returns once the console's login page answers 200.
start_up() {
  # As from a terminal, where Ctrl+C reaches up: a CI runner or `nohup` may have started this script with SIGINT
  # ignored, which every child inherits (and .NET keeps ignoring); reset it for up.
  env --default-signal=INT ./lightshield up --data "$work/up" --port-base "$port_base" >"$work/up.log" 2>&1 &
  up_pid=$!
  local deadline=$((SECONDS + 900)) # the first start builds the stack
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$center/login" || true) == 200 ]] && grep -q "Web console" "$work/up.log"; do
    kill -0 "$up_pid" 2>/dev/null || fail "lightshield up exited before it was ready"
    ((SECONDS < deadline)) || fail "lightshield up was not ready within 900 s"
    sleep 1
  done
}

# stop_up SIGNAL: up exits 0 within 60 s of SIGNAL.
stop_up() {
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

# credential FIELD: a value of up-credentials.json (providerAdminPassword, tenantAdminPassword, tenantSecret, ...).
credential() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$credentials" "$1"
}
