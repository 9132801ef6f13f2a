#!/usr/bin/env bash
# The integration tests' OAuth 2.0 authorization server: a real Keycloak on 127.0.0.1.
#
#   keycloak.sh start [--stop-with-parent]   install on first use, start, provision the test realm, write the properties
#   keycloak.sh stop                         graceful stop (SIGTERM, up to 20 s, then SIGKILL); does nothing if not running
#   keycloak.sh status                       exit 0 if it is up (and print its issuer), 1 if not
#
# Install (first use only, under a lock so that two checkouts can share it): Maven fetches
# org.keycloak:keycloak-quarkus-dist:$MFPOAUTH_KEYCLOAK_VERSION:zip from Maven Central into the local repository; it is
# unpacked into $MFPOAUTH_CACHE/keycloak-<version> (default ~/.cache/mfpoauth), built once with `kc.sh build`
# (health endpoints, local cache, H2 dev-file database), and an empty database holding only the master realm and the
# admin user is made once as a template (creating Keycloak's schema takes most of a cold start).
#
# Each start copies that template into the state folder $MFPOAUTH_KEYCLOAK_STATE (default itest/target/keycloak), so every
# run starts from the same known state; then provision.py creates the realm "mfp" from realm-mfp.json (deleting it first
# if it exists) and writes the connection facts to $MFPOAUTH_KEYCLOAK_PROPS (default <state>/keycloak.properties), which
# io.mfpoauth.itest.keycloak.Keycloak reads. The state folder also holds keycloak.log and keycloak.pid.
#
# Keycloak 26 needs Java 21+: $MFPOAUTH_KEYCLOAK_JAVA_HOME, else $JAVA_HOME if it is 21+, else
# /usr/lib/jvm/temurin-25-jdk-amd64, else the newest /usr/lib/jvm/* that is 21+. Without one, start fails.
# The HTTP and management ports are free loopback ports picked at each start (never fixed ones).
# --stop-with-parent (used by the Maven build): a watchdog stops Keycloak when the calling process (Maven) ends,
# should the build end without reaching post-integration-test.
set -euo pipefail

KC_VERSION="${MFPOAUTH_KEYCLOAK_VERSION:-26.7.3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
CACHE="${MFPOAUTH_CACHE:-$HOME/.cache/mfpoauth}"
KC_HOME="$CACHE/keycloak-$KC_VERSION"
TEMPLATE="$KC_HOME/mfpoauth-template"
STATE="${MFPOAUTH_KEYCLOAK_STATE:-$HERE/../target/keycloak}"
PROPS="${MFPOAUTH_KEYCLOAK_PROPS:-$STATE/keycloak.properties}"
RUNFILE="$STATE/keycloak.pid"       # "<pid> <http port> <management port>"; pid = kc.sh, leader of its own session
WATCHFILE="$STATE/watchdog.pid"
LOG="$STATE/keycloak.log"
READY_TIMEOUT="${MFPOAUTH_KEYCLOAK_TIMEOUT:-180}"
HEAP="${MFPOAUTH_KEYCLOAK_HEAP:--Xms64m -Xmx768m}"
ADMIN_USER=admin                     # bootstrap admin of the master realm (in the template database)
ADMIN_PASSWORD=admin
USER_PASSWORD="${MFPOAUTH_KEYCLOAK_USER_PASSWORD:-mfp-Test-pw1}"
BUILD_OPTS=(--db=dev-file --health-enabled=true --cache=local)
MARKER="$KC_HOME/.mfpoauth-built"
MARKER_TEXT="$KC_VERSION ${BUILD_OPTS[*]} template-v1"

say() { echo "[keycloak] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- JDK ---------------------------------------------------------------------------------------------------------
java_major() { # java_major JAVA_HOME -> major version on stdout, or nothing
  local v
  [ -x "$1/bin/java" ] || return 0
  v="$("$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 0
  case "$v" in 1.*) v="${v#1.}" ;; esac
  echo "${v%%[.+-]*}"
}

find_jdk() {
  local c m best="" bestm=0
  if [ -n "${MFPOAUTH_KEYCLOAK_JAVA_HOME:-}" ]; then
    m="$(java_major "$MFPOAUTH_KEYCLOAK_JAVA_HOME")"
    [ -n "$m" ] && [ "$m" -ge 21 ] || die "MFPOAUTH_KEYCLOAK_JAVA_HOME=$MFPOAUTH_KEYCLOAK_JAVA_HOME is not a JDK 21 or later"
    echo "$MFPOAUTH_KEYCLOAK_JAVA_HOME"; return
  fi
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$c" ] || continue
    m="$(java_major "$c")"
    if [ -n "$m" ] && [ "$m" -ge 21 ]; then echo "$c"; return; fi
  done
  for c in /usr/lib/jvm/*; do
    [ -L "$c" ] && continue
    m="$(java_major "$c")"
    if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$bestm" ]; then best="$c"; bestm="$m"; fi
  done
  [ -n "$best" ] || die "Keycloak $KC_VERSION needs Java 21 or later and none was found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/*). Install one (e.g. a Temurin 21+ JDK) or set MFPOAUTH_KEYCLOAK_JAVA_HOME; -Dkeycloak.skip=true skips the Keycloak tests."
  echo "$best"
}

# --- install -----------------------------------------------------------------------------------------------------
install() { # install JDK
  local jdk="$1" dl tmp t
  mkdir -p "$CACHE"
  exec 9>"$CACHE/keycloak-$KC_VERSION.lock"
  flock -w 1200 9 || die "could not lock $CACHE/keycloak-$KC_VERSION.lock within 20 minutes"
  if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$MARKER_TEXT" ]; then exec 9>&-; return; fi

  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    say "installing Keycloak $KC_VERSION into $KC_HOME (first use)"
    t=$SECONDS
    dl="$(mktemp -d "$CACHE/.download.XXXXXX")"
    local repo=()
    [ -n "${MFPOAUTH_MAVEN_REPO_LOCAL:-}" ] && repo=("-Dmaven.repo.local=$MFPOAUTH_MAVEN_REPO_LOCAL")
    (cd "$dl" && mvn -B -q -Dstyle.color=never "${repo[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" "-DoutputDirectory=$dl") >&2 \
      || { rm -rf "$dl"; die "could not get org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip from Maven"; }
    tmp="$dl/unpacked"
    mkdir -p "$tmp"
    if command -v unzip >/dev/null; then
      unzip -q "$dl/keycloak-quarkus-dist-$KC_VERSION.zip" -d "$tmp"
    else
      python3 -m zipfile -e "$dl/keycloak-quarkus-dist-$KC_VERSION.zip" "$tmp"
      chmod +x "$tmp/keycloak-$KC_VERSION"/bin/*.sh
    fi
    rm -rf "$KC_HOME"
    mv "$tmp/keycloak-$KC_VERSION" "$KC_HOME"
    rm -rf "$dl"
    say "downloaded and unpacked in $((SECONDS - t)) s"
  fi

  say "building Keycloak ($KC_HOME/bin/kc.sh build ${BUILD_OPTS[*]}; about a minute, once)"
  rm -f "$MARKER"
  t=$SECONDS
  JAVA_HOME="$jdk" "$KC_HOME/bin/kc.sh" build "${BUILD_OPTS[@]}" >"$CACHE/keycloak-$KC_VERSION-build.log" 2>&1 </dev/null \
    || { tail -n 30 "$CACHE/keycloak-$KC_VERSION-build.log" >&2; die "kc.sh build failed (log: $CACHE/keycloak-$KC_VERSION-build.log)"; }

  say "built in $((SECONDS - t)) s; creating the template database (schema, master realm, admin user; once)"
  t=$SECONDS
  rm -rf "$TEMPLATE"
  KC_TEMPLATE_PW="$ADMIN_PASSWORD" JAVA_HOME="$jdk" JAVA_OPTS_KC_HEAP="$HEAP" \
    "$KC_HOME/bin/kc.sh" bootstrap-admin user --optimized --no-prompt --username "$ADMIN_USER" --password:env KC_TEMPLATE_PW \
      --cache=local "-Dkc.db-url-path=$TEMPLATE" "-Dquarkus.transaction-manager.object-store.directory=$TEMPLATE/transaction-logs" \
      >"$CACHE/keycloak-$KC_VERSION-template.log" 2>&1 </dev/null \
    || { tail -n 30 "$CACHE/keycloak-$KC_VERSION-template.log" >&2; die "creating the template database failed (log: $CACHE/keycloak-$KC_VERSION-template.log)"; }
  [ -s "$TEMPLATE/data/h2/keycloakdb.mv.db" ] || die "no template database at $TEMPLATE/data/h2/keycloakdb.mv.db"
  rm -rf "$TEMPLATE/transaction-logs" "$TEMPLATE/data/h2/keycloakdb.trace.db"
  echo "$MARKER_TEXT" >"$MARKER"
  say "template database made in $((SECONDS - t)) s"
  exec 9>&-
}

# --- process helpers ---------------------------------------------------------------------------------------------
RUN_PID="" RUN_HTTP="" RUN_MGMT=""
read_runfile() {
  RUN_PID="" RUN_HTTP="" RUN_MGMT=""
  [ -f "$RUNFILE" ] && read -r RUN_PID RUN_HTTP RUN_MGMT <"$RUNFILE" || true
}

ours() { # ours PID -> true if PID is Keycloak's kc.sh (or its java) of this installation, not a recycled pid
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "$KC_HOME/bin/"
}

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

http_ok() { # http_ok URL -> true on HTTP 200
  python3 - "$1" <<'EOF' 2>/dev/null
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=3).status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
}

is_up() { read_runfile; ours "$RUN_PID" && http_ok "http://127.0.0.1:$RUN_MGMT/health/ready"; }

free_ports() { # two distinct free loopback ports
  python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])
for x in s:
    x.close()'
}

# --- commands ----------------------------------------------------------------------------------------------------
provision() { # provision JDK
  KC_URL="http://127.0.0.1:$RUN_HTTP" KC_ADMIN_USER="$ADMIN_USER" KC_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  KC_REALM_FILE="$HERE/realm-mfp.json" KC_PROPS="$PROPS" KC_USER_PASSWORD="$USER_PASSWORD" \
  KC_HTTP_PORT="$RUN_HTTP" KC_MGMT_PORT="$RUN_MGMT" KC_PID="$RUN_PID" KC_LOG="$LOG" KC_HOME="$KC_HOME" KC_JAVA_HOME="$1" \
    python3 "$HERE/provision.py"
}

launch() { # launch JDK -> 0 ready, 1 failed, 2 port taken (try again)
  local jdk="$1" ports deadline
  ports="$(free_ports)"
  RUN_HTTP="${ports% *}" RUN_MGMT="${ports#* }"
  rm -rf "$STATE/data"
  mkdir -p "$STATE/data/h2"
  cp "$TEMPLATE/data/h2/keycloakdb.mv.db" "$STATE/data/h2/"
  (
    cd "$STATE"
    export JAVA_HOME="$jdk" JAVA_OPTS_KC_HEAP="$HEAP"
    export KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER" KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD"
    # setsid: Keycloak gets its own session and process group (stop signals the group; Maven's Ctrl-C does not reach it).
    exec setsid "$KC_HOME/bin/kc.sh" start --optimized --http-enabled=true --hostname-strict=false --cache=local \
      --http-host=127.0.0.1 --http-port="$RUN_HTTP" \
      --http-management-host=127.0.0.1 --http-management-port="$RUN_MGMT" \
      "-Dkc.db-url-path=$STATE" "-Dquarkus.transaction-manager.object-store.directory=$STATE/data/transaction-logs" \
      >"$LOG" 2>&1 </dev/null
  ) &
  RUN_PID=$!
  echo "$RUN_PID $RUN_HTTP $RUN_MGMT" >"$RUNFILE"
  start_watchdog
  say "starting Keycloak (pid $RUN_PID, http 127.0.0.1:$RUN_HTTP, management 127.0.0.1:$RUN_MGMT, log $LOG)"
  deadline=$((SECONDS + READY_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$RUN_PID" 2>/dev/null; then
      wait "$RUN_PID" 2>/dev/null || true
      if grep -qiE "address already in use|port.*already (bound|in use)" "$LOG"; then return 2; fi
      say "Keycloak exited before it was ready; last lines of $LOG:"
      tail -n 40 "$LOG" >&2
      return 1
    fi
    if http_ok "http://127.0.0.1:$RUN_MGMT/health/ready"; then
      say "Keycloak is up after $((SECONDS + READY_TIMEOUT - deadline)) s; provisioning the realm"
      return 0
    fi
    sleep 1
  done
  say "Keycloak was not ready within ${READY_TIMEOUT} s; last lines of $LOG:"
  tail -n 40 "$LOG" >&2
  return 1
}

start_watchdog() { # with --stop-with-parent: stop Keycloak once the caller (Maven) is gone
  [ -n "$WATCH_PARENT" ] || return 0
  kill_watchdog
  ( exec setsid "$SELF" _watch "$WATCH_PARENT" "$RUN_PID" >/dev/null 2>&1 </dev/null ) &
  echo $! >"$WATCHFILE"
}

kill_watchdog() {
  local wpid=""
  [ -f "$WATCHFILE" ] || return 0
  read -r wpid <"$WATCHFILE" || true
  if [ -n "$wpid" ] && [ "$wpid" != "$$" ] && tr '\0' ' ' <"/proc/$wpid/cmdline" 2>/dev/null | grep -qF "$SELF _watch"; then
    kill "$wpid" 2>/dev/null || true
  fi
  rm -f "$WATCHFILE"
}

WATCH_PARENT=""
cmd_start() {
  local jdk attempt rc t0=$SECONDS
  [ "${1:-}" = "--stop-with-parent" ] && WATCH_PARENT="$PPID"
  mkdir -p "$STATE"
  STATE="$(cd "$STATE" && pwd)"; RUNFILE="$STATE/keycloak.pid"; WATCHFILE="$STATE/watchdog.pid"; LOG="$STATE/keycloak.log"
  [ -n "${MFPOAUTH_KEYCLOAK_PROPS:-}" ] || PROPS="$STATE/keycloak.properties"
  jdk="$(find_jdk)"
  if is_up; then
    say "already running (pid $RUN_PID): provisioning the realm again"
    start_watchdog
  else
    [ -n "$RUN_PID" ] && cmd_stop
    trap 'say "interrupted"; cmd_stop; exit 130' INT TERM
    say "JDK: $jdk (Java $(java_major "$jdk"))"
    install "$jdk"
    rm -f "$PROPS"
    for attempt in 1 2 3; do
      rc=0; launch "$jdk" || rc=$?
      [ "$rc" -eq 2 ] && { say "a port was taken meanwhile; trying other ports"; continue; }
      break
    done
    [ "$rc" -eq 0 ] || { cmd_stop; die "Keycloak did not start (log: $LOG)"; }
  fi
  provision "$jdk" || { cmd_stop; die "provisioning the test realm failed (log: $LOG)"; }
  trap - INT TERM
  say "ready, $((SECONDS - t0)) s in all: issuer http://127.0.0.1:$RUN_HTTP/realms/mfp; properties in $PROPS"
}

cmd_stop() {
  local i t0=$SECONDS
  mkdir -p "$STATE"
  kill_watchdog
  read_runfile
  if ours "$RUN_PID" || { [ -n "$RUN_PID" ] && group_alive "$RUN_PID" && ! kill -0 "$RUN_PID" 2>/dev/null; }; then
    say "stopping Keycloak (pid $RUN_PID)"
    kill -TERM "$RUN_PID" 2>/dev/null || true
    for i in $(seq 1 100); do group_alive "$RUN_PID" || break; sleep 0.2; done
    if group_alive "$RUN_PID"; then
      say "still running after 20 s: SIGKILL"
      kill -KILL -- "-$RUN_PID" 2>/dev/null || true
      for i in $(seq 1 25); do group_alive "$RUN_PID" || break; sleep 0.2; done
    fi
    say "stopped in $((SECONDS - t0)) s"
  fi
  rm -f "$RUNFILE" "$PROPS"
}

cmd_status() {
  if is_up; then
    echo "Keycloak is up: pid $RUN_PID, issuer http://127.0.0.1:$RUN_HTTP/realms/mfp, management port $RUN_MGMT, properties $PROPS"
  else
    echo "Keycloak is not running"
    return 1
  fi
}

cmd_watch() { # _watch PARENT KCPID: stop Keycloak once PARENT is gone (unless it was stopped or restarted meanwhile)
  local parent="$1" kcpid="$2"
  while kill -0 "$parent" 2>/dev/null; do
    read_runfile
    [ "$RUN_PID" = "$kcpid" ] || exit 0
    sleep 2
  done
  read_runfile
  if [ "$RUN_PID" = "$kcpid" ]; then rm -f "$WATCHFILE"; cmd_stop; fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  _watch) shift; cmd_watch "$@" ;;
  *) echo "usage: $0 start [--stop-with-parent] | stop | status" >&2; exit 2 ;;
esac
