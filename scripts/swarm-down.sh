#!/usr/bin/env bash
# Removes everything scripts/swarm-up.sh made, and only that: the nodes' dockerds (and the
# containerds and containers they started), their network namespaces, veths, data and run
# folders, the bridge flotilla-br0 and its FORWARD rule, and swarm.env.
# The main engine, its swarm and the scratch engines of scripts/engine-up.sh are left alone.
# Safe to run when there is nothing to remove.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi

STATE="${FLOTILLA_ENGINE_DIR:-/var/lib/flotilla-engine}"
BRIDGE=flotilla-br0

log() { printf 'swarm-down: %s\n' "$*" >&2; }

# Every node ever made, whatever the shape: namespaces, run folders and data folders by name.
nodes=$( {
  ip netns list | awk '{ print $1 }'
  ls /var/run 2>/dev/null
  ls "$STATE/swarm" 2>/dev/null
} | grep -E '^flotilla-node-[0-9]+$' | sort -u || true)

pids_in_namespace() { # every process whose network namespace is the node's
  local ns=$1 target pid
  target=$(stat -Lc %i "/var/run/netns/$ns" 2>/dev/null) || return 0
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(stat -Lc %i "/proc/$pid/ns/net" 2>/dev/null)" = "$target" ] && echo "$pid"
  done
  return 0
}

stop_node() { # stop_node NODE
  local node=$1 pid pids
  pid=$(cat "/var/run/$node/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping $node's engine (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  # Whatever is left in the namespace (a containerd or shim of a killed dockerd) goes too.
  pids=$(pids_in_namespace "$node")
  if [ -n "$pids" ]; then
    log "killing what is left in $node's namespace: $(echo $pids)"
    kill -9 $pids 2>/dev/null || true
    sleep 0.5
  fi
  # Container mounts under the node's folders would keep them from being removed.
  # (/var/run is /run, which is how /proc/mounts names it.)
  { grep -E " (/var/run|/run|$STATE/swarm)/$node/" /proc/mounts || true; } | awk '{ print $2 }' | sort -r |
    while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  ip link del "fl-node${node##*-}" 2>/dev/null || true
  if ip netns list | grep -qw "$node"; then ip netns del "$node"; fi
  rm -rf "/var/run/$node" "/var/run/$node.sock" "$STATE/swarm/$node"
}

for node in $nodes; do stop_node "$node" & done
wait
if ip link show "$BRIDGE" >/dev/null 2>&1; then
  log "removing bridge $BRIDGE"
  ip link del "$BRIDGE"
fi
while iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do
  iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
done
rm -rf "$STATE/swarm" "$STATE/swarm.env"
log "done"
