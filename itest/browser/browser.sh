#!/usr/bin/env bash
# The real browser the web page's tests drive: Debian's Chromium and its ChromeDriver.
#
#   browser.sh install   install chromium and chromium-driver with apt-get if they are missing (first use only,
#                        under a lock); prints the two paths as properties
#   browser.sh status    prints the paths and versions, or says what is missing
#
# Nothing runs as a service: the tests start ChromeDriver themselves on a free 127.0.0.1 port (Selenium) and it
# starts a headless Chromium; both end with the test.
set -euo pipefail

PACKAGES=(chromium chromium-driver)
INSTALL_LOCK=/tmp/mfpoauth-browser-install.lock
CHROMIUM=/usr/bin/chromium
DRIVER=/usr/bin/chromedriver

say() { echo "browser.sh: $*" >&2; }
die() { say "$*"; exit 1; }

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || echo "$p"
  done
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

cmd_install() {
  local missing t0=$SECONDS rc
  missing="$(missing_packages)"
  if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || die "the Debian packages ${missing//$'\n'/ } are missing and installing them needs root"
    command -v apt-get >/dev/null || die "no apt-get: install ${missing//$'\n'/ } by hand"
    exec 8>"$INSTALL_LOCK"
    flock -w 1200 8 || die "could not lock $INSTALL_LOCK within 20 minutes"
    missing="$(missing_packages)"
    if [ -n "$missing" ]; then
      say "installing ${missing//$'\n'/ } with apt-get (first use)"
      local list=()
      mapfile -t list <<<"$missing"
      rc=0; apt_install "${list[@]}" || rc=$?
      if [ "$rc" -ne 0 ]; then
        say "apt-get install failed; running apt-get update and trying again"
        apt-get -q update >&2 || true
        rc=0; apt_install "${list[@]}" || rc=$?
      fi
      [ "$rc" -eq 0 ] || die "apt-get install ${missing//$'\n'/ } failed"
      say "installed in $((SECONDS - t0)) s"
    fi
    exec 8>&-
  fi
  cmd_status
}

cmd_status() {
  [ -x "$CHROMIUM" ] || die "$CHROMIUM is missing: run browser.sh install"
  [ -x "$DRIVER" ] || die "$DRIVER is missing: run browser.sh install"
  echo "chromium=$CHROMIUM"
  echo "chromedriver=$DRIVER"
  echo "chromiumVersion=$("$CHROMIUM" --version 2>/dev/null | head -1)"
  echo "chromedriverVersion=$("$DRIVER" --version 2>/dev/null | head -1)"
}

case "${1:-}" in
  install) cmd_install ;;
  status) cmd_status ;;
  *) die "usage: browser.sh install|status" ;;
esac
