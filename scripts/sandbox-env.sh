# Sourced by scripts/test.sh (after env.sh): makes the bubblewrap and Docker runtimes testable for
# real. Installs bubblewrap, docker.io and busybox-static from Debian's packages when missing,
# starts dockerd when no daemon answers, and builds the test image without a registry: a root file
# system of busybox-static plus its applet links, loaded with `docker import` and cached by tag.
#
# Nothing here is fatal: a step that fails prints why, and the tests that need it skip with that
# reason (or fail, under CI=true). Set BOSUN_SANDBOX_ENV=skip to leave the machine alone.

BOSUN_TEST_IMAGE="${BOSUN_TEST_IMAGE:-bosun-test-busybox:1}"
export BOSUN_TEST_IMAGE

bosun_sandbox_env() {
  [ "${BOSUN_SANDBOX_ENV:-}" = skip ] && return 0
  local missing=()
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
  [ -x /usr/sbin/dockerd ] || command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bosun: installing ${missing[*]} from Debian's packages for the sandbox tests" >&2
    bosun_apt_install "${missing[@]}" || echo "bosun: could not install ${missing[*]}; sandbox tests will skip" >&2
  fi
  bosun_start_dockerd && bosun_build_test_image
}

# The Debian client, not whatever docker happens to be first on PATH: it matches the daemon.
bosun_docker() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi
}

bosun_start_dockerd() {
  if bosun_docker version >/dev/null 2>&1; then return 0; fi
  local dockerd
  dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
  if [ ! -x "$dockerd" ]; then echo "bosun: dockerd is not installed; Docker tests will skip" >&2; return 1; fi
  if [ "$(id -u)" != 0 ]; then echo "bosun: dockerd is not running and only root may start it; Docker tests will skip" >&2; return 1; fi
  echo "bosun: starting dockerd (log in /tmp/bosun-dockerd.log)" >&2
  # setsid: the daemon must outlive this script and not share its process group.
  setsid "$dockerd" >/tmp/bosun-dockerd.log 2>&1 < /dev/null &
  local i
  for i in $(seq 1 60); do
    if [ -S /var/run/docker.sock ] && bosun_docker version >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "bosun: dockerd did not answer within 30 s (see /tmp/bosun-dockerd.log); Docker tests will skip" >&2
  return 1
}

bosun_build_test_image() {
  if bosun_docker image inspect "$BOSUN_TEST_IMAGE" >/dev/null 2>&1; then return 0; fi
  if [ ! -x /bin/busybox ]; then echo "bosun: /bin/busybox missing; cannot build $BOSUN_TEST_IMAGE" >&2; return 1; fi
  local root applet
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/workspace/inbox" "$root/workspace/outbox" \
           "$root/models" "$root/proc" "$root/dev" "$root/sys"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nworker:x:1000:1000:worker:/workspace:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\nworker:x:1000:\n' > "$root/etc/group"
  chmod 1777 "$root/tmp"
  if tar -C "$root" -c . | bosun_docker import -c 'ENV PATH=/bin' -c 'WORKDIR /workspace' - "$BOSUN_TEST_IMAGE" >/dev/null; then
    echo "bosun: built test image $BOSUN_TEST_IMAGE from busybox-static" >&2
  else
    echo "bosun: could not build $BOSUN_TEST_IMAGE; Docker tests will skip" >&2
  fi
  rm -rf "$root"
}

bosun_sandbox_env || true
