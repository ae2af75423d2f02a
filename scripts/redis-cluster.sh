#!/usr/bin/env bash
# Starts a three-master Redis Cluster on loopback, as a site runs its L2 verdict cache on one: the ACL file given
# (an ACL user with a password, the default user off) on every node, no persistence, no replicas.
#   scripts/redis-cluster.sh DIR FIRST_PORT ACL_FILE USER PASSWORD_FILE
# Nodes listen on the first three free ports from FIRST_PORT, each with its cluster bus on a free port after them;
# their pid files, logs and nodes.conf stay in DIR. Prints the nodes' addresses, comma-separated (a StackExchange.Redis
# configuration string). Stop with: kill $(cat DIR/node-*/redis.pid)
set -euo pipefail
dir=$1 port=$2 acl_file=$3 user=$4 password_file=$5

free_port() {
  local candidate=$1
  while (echo >"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; do candidate=$((candidate + 1)); done
  echo "$candidate"
}

addresses=()
for node in 1 2 3; do
  port=$(free_port "$port")
  bus_port=$(free_port $((port + 1)))
  node_dir="$dir/node-$node"
  mkdir -p "$node_dir"
  # The node timeout decides how soon the others mark a stopped master failed; without full coverage required the
  # surviving masters keep serving their slots meanwhile and after (a cache needs no slot to be complete).
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --cluster-enabled yes --cluster-port "$bus_port" --cluster-config-file "$node_dir/nodes.conf" \
    --cluster-node-timeout 2000 --cluster-require-full-coverage no \
    --pidfile "$node_dir/redis.pid" --dir "$node_dir" --logfile "$node_dir/redis.log" --aclfile "$acl_file"
  addresses+=("127.0.0.1:$port")
  port=$((bus_port + 1))
done

export REDISCLI_AUTH
REDISCLI_AUTH="$(cat "$password_file")"
for address in "${addresses[@]}"; do
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "${address##*:}" --user "$user" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
done
redis-cli --user "$user" --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >"$dir/cluster-create.log"
for address in "${addresses[@]}"; do
  for _ in $(seq 100); do
    redis-cli -p "${address##*:}" --user "$user" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done
done
(IFS=,; echo "${addresses[*]}")
