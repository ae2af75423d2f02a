#!/usr/bin/env bash
# The test command: installs what the tests use, starts their services on loopback, runs every test.
# Arguments are passed to `dotnet test` (e.g. ./test.sh --filter FullyQualifiedName~Quarantine).
# Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
scripts/ensure-packages.sh libclamav12 bubblewrap clamav clamav-testfiles redis-server python3 postgresql chromium libnftables1 nftables iproute2 util-linux

work="$(mktemp -d /tmp/lightshield-test.XXXXXX)"
pg_dir=""
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -f $work/redis.pid ]] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  for pid_file in "$work"/redis-cluster/node-*/redis.pid; do
    [[ -f $pid_file ]] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  [[ -n $pg_dir && -f $pg_dir/data/postmaster.pid ]] && as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  [[ -n $pg_dir ]] && rm -rf "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local port=$1
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# Redis as a site runs it: an ACL user with a password, the default user off. The password and the ACL file stay in
# the private temporary directory (mode 0600): never on a command line.
redis_port=$(free_port 6391)
redis_user=lightshield
(umask 077
 head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$work/redis.password"
 printf 'user default off\nuser %s on >%s ~* &* +@all\n' "$redis_user" "$(cat "$work/redis.password")" >"$work/users.acl")
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log" --aclfile "$work/users.acl"
for _ in $(seq 50); do
  REDISCLI_AUTH="$(cat "$work/redis.password")" redis-cli -p "$redis_port" --user "$redis_user" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
export LIGHTSHIELD_TEST_REDIS="127.0.0.1:$redis_port"
export LIGHTSHIELD_TEST_REDIS_USER="$redis_user"
export LIGHTSHIELD_TEST_REDIS_PASSWORD_FILE="$work/redis.password"
echo "test.sh: Redis on $LIGHTSHIELD_TEST_REDIS (ACL user $redis_user, default user off)"

# A three-master Redis Cluster with the same ACL, for the L2 cache's cluster tests (RedisCluster* classes).
mkdir -m 700 "$work/redis-cluster"
LIGHTSHIELD_TEST_REDIS_CLUSTER=$(scripts/redis-cluster.sh "$work/redis-cluster" "$(free_port 6410)" "$work/users.acl" "$redis_user" "$work/redis.password")
export LIGHTSHIELD_TEST_REDIS_CLUSTER
echo "test.sh: Redis Cluster on $LIGHTSHIELD_TEST_REDIS_CLUSTER (three masters, no replicas, same ACL)"

# A throwaway PostgreSQL cluster on loopback for the center's tests (initdb refuses root: run it as postgres). Test
# classes run in parallel, each on a database of its own with its own pools (several center instances in some), so the
# default 100 connections run out: 400.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir="$(mktemp -d /tmp/lightshield-pg.XXXXXX)"
[[ $(id -u) -eq 0 ]] && chown postgres: "$pg_dir"
pg_port=$(free_port 55432)
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --no-sync >"$pg_dir/initdb.log" 2>&1
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" start >/dev/null
export LIGHTSHIELD_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
echo "test.sh: PostgreSQL on 127.0.0.1:$pg_port"

dotnet build Lightshield.slnx -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
echo "test.sh: checking code style (dotnet format --verify-no-changes)"
dotnet format Lightshield.slnx --verify-no-changes --no-restore
set +e
dotnet test Lightshield.slnx -c Release --no-build --nologo "$@" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE 'Passed: +[0-9]+' "$work/test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$work/test.log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then exit 1; fi
