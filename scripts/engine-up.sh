#!/usr/bin/env bash
# Brings up the real Docker engine that Flotilla's engine tests talk to, and everything around it:
#   - dockerd on the default unix socket and, with mutual TLS, on 127.0.0.1:2376
#   - a single-node swarm advertised on 127.0.0.1
#   - two test images made with `docker import` (no registry is reachable here)
#   - an OpenSSH server on 127.0.0.1 whose logins reach the engine, for the SSH transport
#   - scratch engines: more dockerds, each in its own network namespace and not in a swarm, for the
#     tests that must init, join or leave a swarm, or see how an engine outside one answers; one per
#     test file that changes their state, so those tests never race each other
# Then writes what the tests read to $FLOTILLA_ENGINE_DIR/engine.env and prints it.
# Idempotent: every step checks before it acts, so running it twice changes nothing.
# Only loopback addresses and local sockets are used.
#
#   scripts/engine-up.sh [--fresh]
#
# --fresh first takes everything down and wipes it as a new machine would have it: the multi-node
# swarm (scripts/swarm-down.sh), the scratch engines, sshd and the main dockerd, then their state
# (/var/lib/docker, $FLOTILLA_ENGINE_DIR with its certificates and keys, the run folders, docker0
# and docker_gwbridge). Then it brings all of it up again from nothing, so a run after it sees what
# a brand-new machine sees: a swarm made by `docker swarm init --advertise-addr 127.0.0.1` alone.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi

FRESH=false
case "${1:-}" in
  --fresh) FRESH=true ;;
  "") ;;
  *) echo "usage: scripts/engine-up.sh [--fresh]" >&2; exit 2 ;;
esac

STATE="${FLOTILLA_ENGINE_DIR:-/var/lib/flotilla-engine}"
SOCKET=/var/run/docker.sock
TLS_PORT=2376
# Who uses each scratch engine: test/spec-conformance.test.ts, packages/client's and packages/cli's tests,
# packages/testing/test/swarm-init.differential.test.ts and system-events.differential.test.ts.
SCRATCH_ENGINES=(conformance client cli swarminit differential)
DOCKER=(docker -H "unix://$SOCKET")

LOG_NAME=engine-up
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v nsenter >/dev/null || missing+=(util-linux)
  # Not the engine's, but the test environment's: the CLI's live views are tested under tmux.
  command -v tmux >/dev/null || missing+=(tmux)
  # docker-py, for the fake engine's docker-py differential test.
  /usr/bin/python3 -c "import docker" 2>/dev/null || missing+=(python3-docker) # Debian's python, as the tests run it
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

make_certs() {
  local tls="$STATE/tls"
  [ -s "$tls/client/key.pem" ] && [ -s "$tls/server/key.pem" ] && [ -s "$tls/other-ca/ca.pem" ] && return 0
  log "generating CA, server and client certificates in $tls"
  rm -rf "$tls"
  mkdir -p "$tls/ca" "$tls/server" "$tls/client" "$tls/other-ca"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=flotilla test CA" \
      -keyout ca/key.pem -out ca/ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server/key.pem -out server/csr.pem 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server/ext.cnf
    openssl x509 -req -days 3650 -in server/csr.pem -CA ca/ca.pem -CAkey ca/key.pem -CAcreateserial \
      -extfile server/ext.cnf -out server/cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=flotilla test client" -keyout client/key.pem \
      -out client/csr.pem 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client/ext.cnf
    openssl x509 -req -days 3650 -in client/csr.pem -CA ca/ca.pem -CAkey ca/key.pem -CAcreateserial \
      -extfile client/ext.cnf -out client/cert.pem 2>/dev/null
    cp ca/ca.pem server/ca.pem
    cp ca/ca.pem client/ca.pem
    # A CA that signed nothing here: the "server not trusted" case in the TLS tests.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=flotilla unrelated CA" \
      -keyout other-ca/key.pem -out other-ca/ca.pem 2>/dev/null
    rm -f server/csr.pem client/csr.pem server/ext.cnf client/ext.cnf
    chmod 0600 ca/key.pem server/key.pem client/key.pem other-ca/key.pem
  )
}

engine_answers() { curl -sf --unix-socket "$SOCKET" http://engine/_ping >/dev/null; }
tls_answers() {
  curl -sf --cacert "$STATE/tls/client/ca.pem" --cert "$STATE/tls/client/cert.pem" \
    --key "$STATE/tls/client/key.pem" "https://127.0.0.1:$TLS_PORT/_ping" >/dev/null
}

start_dockerd() {
  if engine_answers && tls_answers; then return 0; fi
  if engine_answers; then
    # Running, but not with our TLS listener: restart it with the flags the tests need.
    log "dockerd is running without the TLS listener on 127.0.0.1:$TLS_PORT; restarting it"
    local pid
    pid=$(cat /var/run/docker.pid 2>/dev/null || pgrep -x dockerd || true)
    [ -n "$pid" ] && kill "$pid" && wait_for "dockerd to stop" 30 bash -c "! kill -0 $pid"
  fi
  log "starting dockerd (log: $STATE/dockerd.log)"
  # Without systemd there is no cgroup v2 delegation to worry about; containerd is started by dockerd.
  nohup dockerd -H "unix://$SOCKET" -H "tcp://127.0.0.1:$TLS_PORT" \
    --tlsverify --tlscacert "$STATE/tls/server/ca.pem" --tlscert "$STATE/tls/server/cert.pem" \
    --tlskey "$STATE/tls/server/key.pem" >>"$STATE/dockerd.log" 2>&1 </dev/null &
  wait_for "dockerd on $SOCKET" 60 engine_answers
  wait_for "dockerd on 127.0.0.1:$TLS_PORT" 30 tls_answers
}

init_swarm() {
  local state
  state=$("${DOCKER[@]}" info --format '{{.Swarm.LocalNodeState}}')
  if [ "$state" != "active" ]; then
    log "initialising a single-node swarm on 127.0.0.1 (was: $state)"
    "${DOCKER[@]}" swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
  wait_for "the swarm to answer" 30 "${DOCKER[@]}" node ls
}

start_sshd() {
  local ssh="$STATE/ssh"
  mkdir -p "$ssh" /run/sshd
  chmod 0700 "$ssh"
  [ -s "$ssh/host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$ssh/host_ed25519_key"
  [ -s "$ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C flotilla-test -f "$ssh/id_ed25519"
  cp "$ssh/id_ed25519.pub" "$ssh/authorized_keys"
  if [ -s "$ssh/sshd.pid" ] && kill -0 "$(cat "$ssh/sshd.pid")" 2>/dev/null && [ -s "$ssh/port" ]; then
    return 0
  fi
  local port=2222
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port" >"$ssh/port"
  cat >"$ssh/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $ssh/host_ed25519_key
PidFile $ssh/sshd.pid
AuthorizedKeysFile $ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
Subsystem sftp internal-sftp
EOF
  log "starting sshd on 127.0.0.1:$port"
  /usr/sbin/sshd -f "$ssh/sshd_config" -E "$ssh/sshd.log"
  printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$ssh/host_ed25519_key.pub")" >"$ssh/known_hosts"
  wait_for "sshd on 127.0.0.1:$port" 20 bash -c "echo >/dev/tcp/127.0.0.1/$port"
}

ssh_reaches_engine() {
  ssh -F /dev/null -i "$STATE/ssh/id_ed25519" -o UserKnownHostsFile="$STATE/ssh/known_hosts" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -p "$(cat "$STATE/ssh/port")" root@127.0.0.1 \
    docker version --format '{{.Server.APIVersion}}'
}

start_scratch_engine() { # start_scratch_engine NAME
  local name=$1
  local ns="flotilla-$name" dir="$STATE/scratch/$name" run="/var/run/flotilla-$name"
  local sock="$run.sock"
  if ! curl -sf --unix-socket "$sock" http://engine/_ping >/dev/null 2>&1; then
    # Its own network namespace: a second dockerd in the host's would fight the first over
    # docker0, iptables and the swarm ports.
    ip netns list | grep -qw "$ns" || ip netns add "$ns"
    nsenter --net="/var/run/netns/$ns" ip link set lo up
    mkdir -p "$dir/data" "$run"
    log "starting scratch engine $name on $sock (network namespace $ns)"
    # nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroups dockerd needs.
    nohup nsenter --net="/var/run/netns/$ns" dockerd --data-root "$dir/data" --exec-root "$run/exec" \
      --pidfile "$run/dockerd.pid" -H "unix://$sock" >>"$dir/dockerd.log" 2>&1 </dev/null &
    wait_for "scratch engine $name" 60 curl -sf --unix-socket "$sock" http://engine/_ping
  fi
  # A test run that died may have left it in a swarm; every run starts from outside one.
  if [ "$(docker -H "unix://$sock" info --format '{{.Swarm.LocalNodeState}}')" != "inactive" ]; then
    docker -H "unix://$sock" swarm leave --force >/dev/null
  fi
}

# The newest docker client on the machine: Debian's docker.io brings a 20.10 one to /usr/bin, which
# pnpm puts first on PATH for scripts (it prepends node's directory), while the tests that drive
# "the real docker CLI" mean the newer one the machine ships (v28 in /usr/local/bin).
newest_docker_cli() {
  local cli
  for cli in $(type -ap docker); do
    printf '%s %s\n' "$("$cli" --version | sed -E 's/^Docker version ([0-9.]+).*/\1/')" "$cli"
  done | sort -V | tail -n 1 | cut -d' ' -f2
}

write_env() {
  local api
  api=$(curl -sfi --unix-socket "$SOCKET" http://engine/_ping | tr -d '\r' | awk -F': ' 'tolower($1)=="api-version"{print $2}')
  cat >"$STATE/engine.env" <<EOF
FLOTILLA_ENGINE_SOCKET=$SOCKET
FLOTILLA_ENGINE_API_VERSION=$api
FLOTILLA_ENGINE_TLS_HOST=127.0.0.1
FLOTILLA_ENGINE_TLS_PORT=$TLS_PORT
FLOTILLA_ENGINE_CERT_PATH=$STATE/tls/client
FLOTILLA_ENGINE_OTHER_CA=$STATE/tls/other-ca/ca.pem
FLOTILLA_SSH_HOST=127.0.0.1
FLOTILLA_SSH_PORT=$(cat "$STATE/ssh/port")
FLOTILLA_SSH_USER=root
FLOTILLA_SSH_KEY=$STATE/ssh/id_ed25519
FLOTILLA_SSH_KNOWN_HOSTS=$STATE/ssh/known_hosts
FLOTILLA_SCRATCH_ENGINES=$(for n in "${SCRATCH_ENGINES[@]}"; do printf '%s=/var/run/flotilla-%s.sock,' "$n" "$n"; done | sed 's/,$//')
FLOTILLA_DOCKER_CLI=$(newest_docker_cli)
FLOTILLA_TEST_IMAGE=$TEST_IMAGE_REPO:latest
FLOTILLA_TEST_IMAGE_NEXT=$TEST_IMAGE_REPO:next
EOF
  chmod 0644 "$STATE/engine.env"
}

stop_pid() { # stop_pid WHAT PID: TERM, a bounded wait, then KILL
  local what=$1 pid=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $what (pid $pid)"
  kill "$pid" 2>/dev/null || true
  wait_for "$what to stop" 60 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
}

unmount_under() { # unmount_under DIR...: every mount below them, deepest first
  # /proc/mounts names a mount by its resolved path (/var/run is a link to /run), so both count.
  local dir real
  for dir in "$@"; do
    real=$(realpath -m "$dir")
    awk -v a="$dir/" -v b="$real/" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts |
      sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  done
}

# Everything engine-up.sh and swarm-up.sh ever started goes, and with it every trace of it.
wipe_everything() {
  bash "$(dirname "$0")/swarm-down.sh"
  local ns name
  # Every scratch engine ever started, whether its namespace or only its run folder is left.
  for ns in $( {
    ip netns list | awk '{ print $1 }'
    ls /var/run
  } | grep -E '^flotilla-[a-z0-9-]+$' | grep -vE '^flotilla-node-[0-9]+$' | sort -u || true); do
    name=${ns#flotilla-}
    stop_pid "scratch engine $name" "$(cat "/var/run/flotilla-$name/dockerd.pid" 2>/dev/null || true)"
    # A containerd or shim left in the namespace by the engine would keep its folders busy.
    local target pid
    target=$(stat -Lc %i "/var/run/netns/$ns" 2>/dev/null || true)
    if [ -n "$target" ]; then
      for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        [ "$(stat -Lc %i "/proc/$pid/ns/net" 2>/dev/null)" = "$target" ] && kill -9 "$pid" 2>/dev/null
      done
    fi
    unmount_under "/var/run/flotilla-$name" "$STATE/scratch/$name"
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/var/run/flotilla-$name" "/var/run/flotilla-$name.sock"
  done
  stop_pid sshd "$(cat "$STATE/ssh/sshd.pid" 2>/dev/null || true)"
  stop_pid dockerd "$(cat /var/run/docker.pid 2>/dev/null || pgrep -x dockerd || true)"
  local left
  left=$(pgrep -x containerd || true)
  [ -z "$left" ] || kill -9 $left 2>/dev/null || true
  pkill -9 -f containerd-shim 2>/dev/null || true
  unmount_under /var/lib/docker /var/run/docker /run/docker /var/lib/containerd "$STATE"
  rm -rf /var/lib/docker /var/run/docker /var/run/docker.sock /var/run/docker.pid /var/lib/containerd \
    /var/run/containerd "$STATE"
  ip link del docker_gwbridge 2>/dev/null || true
  ip link del docker0 2>/dev/null || true
  # The chains and rules dockerd added (published ports, ingress, isolation) go too.
  if command -v iptables-save >/dev/null; then
    iptables-save | grep -v -e DOCKER -e docker0 -e docker_gwbridge | sed "s/^:FORWARD DROP/:FORWARD ACCEPT/" |
      iptables-restore
  fi
  log "wiped: the engines start as on a new machine"
}

if $FRESH; then wipe_everything; fi
mkdir -p "$STATE"
chmod 0755 "$STATE"
install_packages
make_certs
start_dockerd
init_swarm
import_test_images "$SOCKET"
start_sshd
wait_for "ssh to reach the engine" 20 ssh_reaches_engine
for name in "${SCRATCH_ENGINES[@]}"; do start_scratch_engine "$name"; done
write_env
log "ready; the tests read $STATE/engine.env:"
cat "$STATE/engine.env"
