# Sourced by Bosun's scripts: finds a JDK >= 21 and Maven, installing them from Debian's packages
# when missing, and exports JAVA_HOME and MVN. Safe to source more than once.

bosun_java_major() {
  # prints the major version of the java at $1/bin/java, or nothing
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

bosun_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/java-2[1-9]-* /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    v=$(bosun_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$c"; return 0; fi
  done
  return 1
}

bosun_apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "bosun: need to install $* but not running as root; install them and retry" >&2
    return 1
  fi
  if [ -z "${BOSUN_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    export BOSUN_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! JAVA_HOME=$(bosun_find_jdk); then
  echo "bosun: no JDK >= 21 found; installing one from Debian's packages" >&2
  bosun_apt_install openjdk-21-jdk-headless || bosun_apt_install openjdk-25-jdk-headless || true
  JAVA_HOME=$(bosun_find_jdk) || { echo "bosun: could not find or install a JDK >= 21; set JAVA_HOME" >&2; exit 1; }
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v mvn >/dev/null 2>&1; then
  echo "bosun: installing Maven from Debian's packages" >&2
  bosun_apt_install maven || { echo "bosun: could not install Maven" >&2; exit 1; }
fi
MVN="mvn -B -ntp"
export MVN

# Maven 3.8's bundled Guava touches sun.misc.Unsafe, which JDK 24+ warns about on every run.
if [ "$(bosun_java_major "$JAVA_HOME")" -ge 24 ]; then
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow";; esac
fi
