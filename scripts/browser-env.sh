# Sourced by scripts/test.sh (after env.sh): makes the dashboard's browser tests run for real.
# Installs Debian's chromium and chromium-driver when missing (headless Chromium driven by
# chromedriver; no browser download from anywhere else). Nothing here is fatal: when the install
# fails, DashboardBrowserTest skips with the reason (and fails under CI=true).
# Set BOSUN_BROWSER_ENV=skip to leave the machine alone.

bosun_browser_env() {
  [ "${BOSUN_BROWSER_ENV:-}" = skip ] && return 0
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bosun: installing ${missing[*]} from Debian's packages for the dashboard's browser tests" >&2
    bosun_apt_install "${missing[@]}" || echo "bosun: could not install ${missing[*]}; browser tests will skip" >&2
  fi
}

bosun_browser_env || true
