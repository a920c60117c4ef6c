#!/usr/bin/env bash
# Brings up a real multi-node swarm for the tests in test/multinode/: several dockerds, each a
# "host" of its own, joined by a bridge of their own.
#
#   scripts/swarm-up.sh [MANAGERS] [--workers N]      default: 3 managers and 1 worker
#
# Why that shape: three managers keep a quorum when the leader is stopped, so a new leader is
# elected and the API keeps answering through the other two; the worker is the node whose engine
# the tests stop to see its tasks rescheduled.
#
# Each node flotilla-node-I is:
#   - a network namespace flotilla-node-I with one veth on the bridge flotilla-br0, address
#     10.250.77.(10+I)/24 (the bridge has no address in the host's namespace, so nothing outside
#     these namespaces routes to them)
#   - a UTS namespace whose hostname is flotilla-node-I, so `docker node ls` tells them apart
#   - dockerd with its own --data-root ($STATE/swarm/NODE), --exec-root and --pidfile
#     (/var/run/NODE/) and socket /var/run/NODE.sock
#   - the two test images (flotilla-test/busybox:latest and :next), imported from /bin/busybox as
#     scripts/engine-up.sh does (there is no registry)
# The swarm is advertised on those addresses, with a 1s dispatcher heartbeat so that a stopped
# node is marked down within seconds. Nothing runs in the host's network namespace: a dockerd
# there would fight the main engine over docker0 and iptables.
#
# Idempotent: every step checks before it acts. Run again, it restarts engines that are not
# answering (they rejoin the swarm from their data root) and waits until every node is ready;
# the tests that stop an engine run it to bring the swarm back whole. Asked for a different shape
# than the one running, it removes the old swarm first (scripts/swarm-down.sh).
# Writes what the tests read to $FLOTILLA_ENGINE_DIR/swarm.env and prints it.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi

usage() { sed -n '5p' "$0" | sed 's/^#  */usage: /' >&2; exit 2; }

MANAGERS=3
WORKERS=1
while [ $# -gt 0 ]; do
  case $1 in
    --workers) [ $# -ge 2 ] || usage; WORKERS=$2; shift 2 ;;
    --workers=*) WORKERS=${1#*=}; shift ;;
    -h | --help) usage ;;
    [0-9]*) MANAGERS=$1; shift ;;
    *) usage ;;
  esac
done
[[ "$MANAGERS" =~ ^[1-9]$ && "$WORKERS" =~ ^[0-9]$ ]] || { echo "swarm-up: 1-9 managers, 0-9 workers" >&2; exit 2; }

STATE="${FLOTILLA_ENGINE_DIR:-/var/lib/flotilla-engine}"
BRIDGE=flotilla-br0
SUBNET_PREFIX=10.250.77
# Overlay networks get their subnets from here, well away from the nodes' own addresses.
ADDR_POOL=10.251.0.0/16
HEARTBEAT=1s
HERE=$(cd "$(dirname "$0")" && pwd)

NODES=()
for i in $(seq 1 $((MANAGERS + WORKERS))); do NODES+=("flotilla-node-$i"); done

LOG_NAME=swarm-up
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

index_of() { echo "${1##*-}"; }                  # flotilla-node-3 -> 3
addr_of() { echo "$SUBNET_PREFIX.$((10 + $(index_of "$1")))"; }
role_of() { if [ "$(index_of "$1")" -le "$MANAGERS" ]; then echo manager; else echo worker; fi; }
sock_of() { echo "/var/run/$1.sock"; }
dock() { local node=$1; shift; docker -H "unix://$(sock_of "$node")" "$@"; }
answers() { curl -sf --max-time 3 --unix-socket "$(sock_of "$1")" http://engine/_ping >/dev/null; }
answers_or_exited() { answers "$1" || ! kill -0 "$2" 2>/dev/null; }
swarm_state() { dock "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

reshape_if_needed() {
  local env="$STATE/swarm.env" shape="$MANAGERS,$WORKERS"
  [ -s "$env" ] || return 0
  local recorded
  recorded=$(sed -n 's/^FLOTILLA_SWARM_SHAPE=//p' "$env")
  if [ -n "$recorded" ] && [ "$recorded" != "$shape" ]; then
    log "the running swarm has shape $recorded (managers,workers), not $shape: removing it first"
    bash "$HERE/swarm-down.sh"
  fi
}

make_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "creating bridge $BRIDGE"
    ip link add "$BRIDGE" type bridge
  fi
  ip link set "$BRIDGE" up
  # The main engine sets the FORWARD policy to DROP, and bridged frames pass through iptables.
  iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
}

make_namespace() { # make_namespace NODE
  local node=$1 i veth
  i=$(index_of "$node")
  veth="fl-node$i"
  ip netns list | grep -qw "$node" || ip netns add "$node"
  local in_ns=(nsenter --net="/var/run/netns/$node")
  "${in_ns[@]}" ip link set lo up
  if ! "${in_ns[@]}" ip link show eth0 >/dev/null 2>&1; then
    ip link del "$veth" 2>/dev/null || true
    ip link add "$veth" type veth peer name "$veth-ns"
    ip link set "$veth-ns" netns "$node"
    "${in_ns[@]}" ip link set "$veth-ns" name eth0
  fi
  ip link set "$veth" master "$BRIDGE" up
  "${in_ns[@]}" ip addr replace "$(addr_of "$node")/24" dev eth0
  "${in_ns[@]}" ip link set eth0 up
}

start_engine() { # start_engine NODE
  local node=$1
  answers "$node" && return 0
  local dir="$STATE/swarm/$node" run="/var/run/$node"
  mkdir -p "$dir/data" "$run"
  local pid
  pid=$(cat "$run/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # Still starting, or stuck stopping: give it a moment, then replace it.
    wait_for "$node's engine to answer" 20 answers "$node" && return 0
    log "$node's engine (pid $pid) does not answer; stopping it"
    kill "$pid" 2>/dev/null || true
    wait_for "$node's engine to stop" 30 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$run/dockerd.pid"
  log "starting $node's engine on $(sock_of "$node") ($(role_of "$node"), $(addr_of "$node"); log: $dir/dockerd.log)"
  # nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroups dockerd needs.
  # A UTS namespace of its own gives each node its own hostname, which the swarm reports.
  setsid nohup nsenter --net="/var/run/netns/$node" unshare --uts sh -c \
    'hostname "$1"; shift; exec "$@"' sh "$node" \
    dockerd --data-root "$dir/data" --exec-root "$run/exec" --pidfile "$run/dockerd.pid" \
    -H "unix://$(sock_of "$node")" --shutdown-timeout 2 \
    >>"$dir/dockerd.log" 2>&1 </dev/null &
  local launcher=$!
  # Give up at once if it exits (a bad flag, a folder in use): its log says why.
  wait_for "$node's engine on $(sock_of "$node")" 60 answers_or_exited "$node" "$launcher"
  answers "$node" || { log "$node's engine exited; the end of its log:"; tail -n 5 "$dir/dockerd.log" >&2; return 1; }
}

import_images() { import_test_images "$(sock_of "$1")"; } # import_images NODE

# The manager every other node joins through: the first one that is in a swarm and can answer
# for it (after a leader was stopped that need not be flotilla-node-1).
find_manager() {
  local node
  for node in "${NODES[@]:0:$MANAGERS}"; do
    if [ "$(swarm_state "$node")" = active ] && dock "$node" node ls >/dev/null 2>&1; then
      echo "$node"
      return 0
    fi
  done
  return 1
}

join_swarm() { # join_swarm NODE
  local node=$1 state manager role id
  state=$(swarm_state "$node")
  if [ "$state" = active ]; then
    # Active by its own account; but the managers may have removed it (a node that was down
    # too long, or taken for a ghost), and it never notices: then it leaves and joins afresh.
    id=$(dock "$node" info --format '{{.Swarm.NodeID}}')
    manager=$(find_manager) || return 0
    [ "$manager" = "$node" ] && return 0
    dock "$manager" node inspect "$id" >/dev/null 2>&1 && return 0
    log "$node believes it is in the swarm as $id, but the managers no longer list it; leaving"
    dock "$node" swarm leave --force >/dev/null 2>&1 || true
  fi
  role=$(role_of "$node")
  if [ "$state" = pending ] || [ "$state" = error ]; then
    # It remembers a swarm but cannot reach it (a left-over identity): start it afresh.
    log "$node is '$state' in a swarm it cannot reach; leaving it"
    dock "$node" swarm leave --force >/dev/null 2>&1 || true
  fi
  if manager=$(find_manager); then
    log "joining $node to the swarm through $manager as a $role"
    dock "$node" swarm join --token "$(dock "$manager" swarm join-token -q "$role")" \
      --advertise-addr "$(addr_of "$node")" --listen-addr "$(addr_of "$node"):2377" \
      "$(addr_of "$manager"):2377" >/dev/null
  elif [ "$role" = manager ]; then
    log "initialising the swarm on $node ($(addr_of "$node"))"
    dock "$node" swarm init --advertise-addr "$(addr_of "$node")" --listen-addr "$(addr_of "$node"):2377" \
      --dispatcher-heartbeat "$HEARTBEAT" --default-addr-pool "$ADDR_POOL" >/dev/null
  else
    log "no manager to join $node to"
    return 1
  fi
}

# A node that rejoined with a new identity leaves its old one behind, down; a manager's would
# count against the raft quorum. Remove every down node whose hostname is also ready.
forget_ghosts() { # forget_ghosts MANAGER
  local manager=$1 id host state role
  while read -r id host state role; do
    [ "$state" = down ] || continue
    # Another entry for the same host must be ready: not this one, which may have come back up
    # since the listing (under load, with a 1s heartbeat, nodes flap), and must then be kept.
    dock "$manager" node ls --format '{{.ID}} {{.Hostname}} {{.Status}}' |
      awk -v id="$id" -v host="$host" '$1 != id && $2 == host && $3 == "Ready" { found = 1 } END { exit !found }' ||
      continue
    log "removing the stale entry $id for $host"
    [ "$role" = manager ] && dock "$manager" node demote "$id" >/dev/null 2>&1 || true
    dock "$manager" node rm --force "$id" >/dev/null 2>&1 || true
  done < <(dock "$manager" node ls --format '{{.ID}} {{.Hostname}} {{.Status}} {{.ManagerStatus}}' |
    awk '{ print $1, $2, tolower($3), ($4 == "" ? "worker" : "manager") }')
}

swarm_is_whole() { # every node ready, every manager reachable, one leader
  local manager=$1 listing
  listing=$(dock "$manager" node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}') || return 1
  [ "$(grep -c ' Ready' <<<"$listing")" -eq "${#NODES[@]}" ] || return 1
  [ "$(grep -cE ' Ready (Leader|Reachable)$' <<<"$listing")" -eq "$MANAGERS" ] || return 1
  grep -q ' Leader$' <<<"$listing"
}

tune_swarm() { # tune_swarm MANAGER
  local manager=$1 period
  period=$(dock "$manager" info --format '{{.Swarm.Cluster.Spec.Dispatcher.HeartbeatPeriod}}')
  # Printed as a Go duration ("1s") or in nanoseconds, depending on the CLI.
  if [ "$period" != 1s ] && [ "$period" != 1000000000 ]; then
    log "setting the dispatcher heartbeat to $HEARTBEAT (was ${period}ns)"
    dock "$manager" swarm update --dispatcher-heartbeat "$HEARTBEAT" >/dev/null
  fi
}

write_env() {
  local entries=() node
  for node in "${NODES[@]}"; do
    entries+=("$node:$(role_of "$node"):$(addr_of "$node"):$(sock_of "$node"):/var/run/$node/dockerd.pid")
  done
  {
    echo "# Written by scripts/swarm-up.sh: HOSTNAME:ROLE:ADDRESS:SOCKET:PIDFILE for each node."
    echo "FLOTILLA_SWARM_SHAPE=$MANAGERS,$WORKERS"
    echo "FLOTILLA_SWARM_NODES=$(IFS=,; echo "${entries[*]}")"
  } >"$STATE/swarm.env"
  chmod 0644 "$STATE/swarm.env"
}

started=$SECONDS
mkdir -p "$STATE/swarm"
chmod 0755 "$STATE"
reshape_if_needed
make_bridge
for node in "${NODES[@]}"; do make_namespace "$node"; done
for node in "${NODES[@]}"; do start_engine "$node" & done
wait_all() { local ok=0; for job in $(jobs -p); do wait "$job" || ok=1; done; return $ok; }
wait_all
for node in "${NODES[@]}"; do import_images "$node"; done
# Managers first, one at a time: each join changes the raft membership the next one joins.
for node in "${NODES[@]}"; do join_swarm "$node"; done
manager=$(find_manager)
tune_swarm "$manager"
forget_ghosts "$manager"
wait_for "every node to be ready with one leader" 90 swarm_is_whole "$manager"
write_env
log "ready in $((SECONDS - started))s; the tests read $STATE/swarm.env:"
dock "$manager" node ls >&2
for node in "${NODES[@]}"; do printf '%s %s %s\n' "$node" "$(role_of "$node")" "$(sock_of "$node")"; done
cat "$STATE/swarm.env"
