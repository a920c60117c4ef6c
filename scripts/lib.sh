# Shared by scripts/engine-up.sh and scripts/swarm-up.sh (sourced, not run). Set LOG_NAME first.

TEST_IMAGE_REPO=flotilla-test/busybox

log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }

wait_for() { # wait_for DESCRIPTION SECONDS COMMAND...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq 1 $((seconds * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  log "gave up waiting for $what after ${seconds}s"
  return 1
}

# Imports the two test images into the engine on SOCKET, unless it has them. There is no
# registry, so every engine gets them this way, from the host's static busybox; one definition
# keeps them the same everywhere. A marker file makes `latest` and `next` different images, so an
# update from one to the other really changes the image.
import_test_images() { # import_test_images SOCKET
  local sock=$1 tag marker root=""
  for pair in latest:1 next:2; do
    tag=${pair%%:*} marker=${pair##*:}
    docker -H "unix://$sock" image inspect "$TEST_IMAGE_REPO:$tag" >/dev/null 2>&1 && continue
    log "importing $TEST_IMAGE_REPO:$tag into unix://$sock"
    if [ -z "$root" ]; then
      root=$(mktemp -d)
      mkdir -p "$root/bin" "$root/tmp" "$root/etc"
      cp /bin/busybox "$root/bin/busybox"
      for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
      done
      echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
      echo "root:x:0:" >"$root/etc/group"
    fi
    echo "$marker" >"$root/etc/flotilla-image"
    tar -C "$root" -c . |
      docker -H "unix://$sock" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$TEST_IMAGE_REPO:$tag" >/dev/null
  done
  [ -z "$root" ] || rm -rf "$root"
}
