#!/usr/bin/env bash
# Makes the base image deploy/docker/Dockerfile builds from, without a registry: a root file system of
# busybox-static (a shell, wget for the HEALTHCHECK), the C libraries a JDK links against and that JDK
# at /opt/jdk, loaded with `docker import`. The Dockerfile's first stage cuts a small runtime out of
# it with jlink; nothing of the JDK but that runtime reaches the final image.
#
#   deploy/docker/make-base.sh [JDK_HOME] [TAG]     (defaults: $JAVA_HOME, bosun-base:local)
#
# The tag is reused when it exists (remove it to rebuild, e.g. after a JDK upgrade).
set -euo pipefail
jdk=$(readlink -f "${1:-${JAVA_HOME:?set JAVA_HOME or pass the JDK directory}}")
tag=${2:-bosun-base:local}
docker=/usr/bin/docker; [ -x "$docker" ] || docker=docker

if "$docker" image inspect "$tag" >/dev/null 2>&1; then exit 0; fi
[ -x "$jdk/bin/jlink" ] || { echo "make-base: $jdk has no bin/jlink (a JDK >= 21 is needed, not a JRE)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "make-base: /bin/busybox is missing (Debian's busybox-static)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/opt"
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
# -L: a distribution JDK links some files (lib/security/cacerts) to /etc; the image needs the files.
cp -rL --preserve=mode "$jdk" "$root/opt/jdk"
# Every shared library the JDK's programs and libraries load, at the path the loader looks for it.
libs=$( { find "$jdk/bin" -type f; find "$jdk/lib" -name '*.so'; } | while read -r f; do ldd "$f" 2>/dev/null || true; done \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
for lib in $libs /lib/x86_64-linux-gnu/libgcc_s.so.1; do
  case "$lib" in "$jdk"/*) continue ;; esac
  if [ -f "$lib" ]; then cp --parents -L "$lib" "$root"; fi
done
printf 'root:x:0:0:root:/root:/bin/sh\nbosun:x:10001:10001:bosun:/var/lib/bosun:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nbosun:x:10001:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -c . | "$docker" import -c 'ENV PATH=/bin' - "$tag" >/dev/null
echo "make-base: built $tag from busybox-static and $jdk" >&2
