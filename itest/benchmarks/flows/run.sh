#!/usr/bin/env bash
# P5 to P8: whole flows of the firmware's bundles against real local servers, each writing $RESULTS/P<n>.md (one
# table row) and $RESULTS/P<n>.notes.md.
#   P5, P8  the token engine against loopback authorization servers in the benchmark's JVM
#   P6      the SMTP sender against the test Postfix/Dovecot and Keycloak, which this script starts and stops
#   P7      the exported image less the Google bundle in a Felix JVM of its own, driven through its REST API
# Called from the repository root by itest/benchmarks/run.sh with RESULTS=<absolute folder>, after the bundles and
# features/target were built and installed. BENCH_MEASURES="P5 P8" (for example) runs only those.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
: "${RESULTS:?RESULTS must name the results folder}"
mkdir -p "$RESULTS"
measures="${BENCH_MEASURES:-P5 P8 P7 P6}"
cd "$here"

# Offline first (everything is in ~/.m2 after the build); online once if something is missing.
mvn_q() { mvn -B -q -o "$@" 2>/dev/null || mvn -B -q "$@"; }
mvn_q package -DskipTests
mvn_q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
classpath="$here/target/classes:$(cat target/classpath.txt)"
jvm_options=(-Xmx512m "-Dmfpoauth.export=$root/features/target")
run_java() { java "${jvm_options[@]}" -cp "$classpath" io.mfpoauth.bench.flows.Main "$RESULTS" "$@"; }

servers="$here/target/servers"
keycloak_state="$servers/keycloak"
mail_state="$servers/mailserver"
started_servers=
stop_servers() {
  [ -n "$started_servers" ] || return 0
  # a start still in progress (this script failed meanwhile) ends first, then everything is stopped
  if [ -n "${keycloak_pid:-}" ] && kill -0 "$keycloak_pid" 2>/dev/null; then
    kill "$keycloak_pid" 2>/dev/null || true
    wait "$keycloak_pid" 2>/dev/null || true
  fi
  MFPOAUTH_MAIL_STATE="$mail_state" MFPOAUTH_KEYCLOAK_PROPS="$keycloak_state/keycloak.properties" \
    bash "$root/itest/mailserver/mailserver.sh" stop >/dev/null 2>&1 || true
  MFPOAUTH_KEYCLOAK_STATE="$keycloak_state" bash "$root/itest/keycloak/keycloak.sh" stop >/dev/null 2>&1 || true
  started_servers=
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

want() { case " $measures " in *" $1 "*) return 0 ;; esac; return 1; }

# Keycloak takes one to two minutes to start: it starts in the background while P5 and P8 run (their results are
# counts and lower bounds that load does not change), with --stop-with-parent so that its watchdog stops it should
# this script die before its trap runs. P7, which times an installation, runs after the servers are stopped.
keycloak_pid=
if want P6; then
  mkdir -p "$servers"
  started_servers=yes
  MFPOAUTH_KEYCLOAK_STATE="$keycloak_state" bash "$root/itest/keycloak/keycloak.sh" start --stop-with-parent \
    >"$servers/keycloak-start.log" 2>&1 &
  keycloak_pid=$!
fi

quick=()
for m in P5 P8; do
  if want "$m"; then quick+=("$m"); fi
done
if [ "${#quick[@]}" -gt 0 ]; then
  run_java "${quick[@]}"
fi

if want P6; then
  wait "$keycloak_pid" || { cat "$servers/keycloak-start.log"; exit 1; }
  cat "$servers/keycloak-start.log"
  MFPOAUTH_MAIL_STATE="$mail_state" MFPOAUTH_KEYCLOAK_PROPS="$keycloak_state/keycloak.properties" \
    bash "$root/itest/mailserver/mailserver.sh" start --stop-with-parent
  (
    jvm_options+=("-Dmfpoauth.keycloak.props=$keycloak_state/keycloak.properties"
      "-Dmfpoauth.mailserver.props=$mail_state/mailserver.properties")
    run_java P6
  )
  stop_servers
fi

if want P7; then
  run_java P7
fi
