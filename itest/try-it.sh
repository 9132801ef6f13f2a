#!/usr/bin/env bash
# Try the firmware without a Microsoft tenant: starts the project's own test stack on 127.0.0.1 — a real Keycloak
# (OAuth 2.0 device authorization grant) and real Dovecot/Postfix mail servers that check the tokens — and the
# exported firmware configured to use them, then prints the web page's address, the administrator's password and
# what to type. Ctrl-C stops everything.
#
#   bash itest/try-it.sh            (from the repository's root; builds the firmware first if needed)
#
# Environment: MFPOAUTH_TRYIT_PORT (web page port, default 8080), MFPOAUTH_ADMIN_PASSWORD (default: generated).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
STATE="$HERE/target/try-it"
PORT="${MFPOAUTH_TRYIT_PORT:-8080}"
JAR="$ROOT/features/target/firmware.jar"

say() { echo "try-it: $*" >&2; }

export MFPOAUTH_KEYCLOAK_STATE="$STATE/keycloak"
export MFPOAUTH_KEYCLOAK_PROPS="$STATE/keycloak/keycloak.properties"
export MFPOAUTH_MAIL_STATE="$STATE/mailserver"
export MFPOAUTH_MAIL_PROPS="$STATE/mailserver/mailserver.properties"

prop() { sed -n "s/^$2=//p" "$1" | head -1; }

FIRMWARE_PID=""
cleanup() {
  trap - EXIT INT TERM
  say "stopping"
  [ -n "$FIRMWARE_PID" ] && kill "$FIRMWARE_PID" 2>/dev/null && wait "$FIRMWARE_PID" 2>/dev/null || true
  bash "$HERE/mailserver/mailserver.sh" stop || true
  bash "$HERE/keycloak/keycloak.sh" stop || true
}
trap cleanup EXIT INT TERM

if [ ! -f "$JAR" ]; then
  say "building the firmware (mvn -B -q install -DskipTests)"
  (cd "$ROOT" && mvn -B -q install -DskipTests)
fi
mkdir -p "$STATE"
bash "$HERE/keycloak/keycloak.sh" start
bash "$HERE/mailserver/mailserver.sh" start

KC="$MFPOAUTH_KEYCLOAK_PROPS"
MAIL="$MFPOAUTH_MAIL_PROPS"
ISSUER="$(prop "$KC" issuer)"
CLIENT="$(prop "$KC" deviceClient)"
USERS="$(prop "$KC" users)"
USER_PASSWORD="$(prop "$KC" password)"
HOST="$(prop "$MAIL" host)"

# The firmware's configuration folder: what an integrator ships for this provider and these servers' CA.
CONF="$STATE/conf"
rm -rf "$CONF" "$STATE/data"
mkdir -p "$CONF"
cat >"$CONF/io.mfpoauth.provider.oidc-keycloak.cfg" <<CFG
provider.id=keycloak
name=Keycloak (local test stack)
issuer=$ISSUER
clientId=$CLIENT
smtpScopes=email offline_access
pop3Scopes=email offline_access
hosts=mfp.test
CFG
cat >"$CONF/io.mfpoauth.mail.tls.cfg" <<CFG
trustStore=$(prop "$MAIL" trustStore)
trustStoreType=PKCS12
.trustStorePassword=$(prop "$MAIL" trustStorePassword)
CFG

ADMIN_PASSWORD="${MFPOAUTH_ADMIN_PASSWORD:-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 12)}"
MFPOAUTH_ADMIN_PASSWORD="$ADMIN_PASSWORD" java -Xmx32m -Dgosh.args=--nointeractive \
  -Dmfpoauth.conf="$CONF" -Dmfpoauth.data="$STATE/data" -Dorg.osgi.service.http.port="$PORT" \
  -jar "$JAR" >"$STATE/firmware.log" 2>&1 &
FIRMWARE_PID=$!
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/session" && break
  kill -0 "$FIRMWARE_PID" 2>/dev/null || { cat "$STATE/firmware.log" >&2; exit 1; }
  sleep 0.5
done

cat <<INFO

  The firmware runs (console log: $STATE/firmware.log).

  Web page            http://127.0.0.1:$PORT/          user admin, password $ADMIN_PASSWORD
  Test accounts       ${USERS//,/ and }              password $USER_PASSWORD
                      (you sign in as one of them at the verification address Get Token shows)

  SMTP settings       server $HOST, port $(prop "$MAIL" smtpPort), STARTTLS, OAuth 2.0, provider "Keycloak (local test stack)",
                      account and sender address ${USERS%%,*}
  POP (Internet Fax)  id ifax, server $HOST, port $(prop "$MAIL" pop3sPort) with SSL/TLS (or $(prop "$MAIL" pop3Port) with STARTTLS),
                      OAuth 2.0, same provider, account ${USERS##*,}

  Ctrl-C stops the firmware, the mail servers and Keycloak.
INFO
wait "$FIRMWARE_PID"
