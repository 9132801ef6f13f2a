#!/usr/bin/env bash
# The integration tests' mail servers: a real Dovecot (POP3, POP3S, submission, LMTP) and a real Postfix (submission
# with Dovecot SASL, delivery through Dovecot LMTP) on 127.0.0.1, checking OAuth 2.0 tokens (XOAUTH2, OAUTHBEARER)
# through the test Keycloak's introspection endpoint.
#
#   mailserver.sh start [--stop-with-parent]   install on first use, (re)start both from a fresh state, write the properties
#   mailserver.sh stop                         stop both; does nothing if not running; cleans leftovers of a crashed run
#   mailserver.sh status                       exit 0 if both are up (and print the ports), 1 if not
#
# Needs root (apt-get; Dovecot's master and Postfix's master run as root and drop to the package's users) and a running
# test Keycloak (itest/keycloak/keycloak.sh start): its properties file ($MFPOAUTH_KEYCLOAK_PROPS, default
# itest/target/keycloak/keycloak.properties) gives the issuer, the introspection client and secret, and the users.
#
# Install (first use only, under a lock): apt-get installs the Debian packages below without starting the
# distribution's services (a temporary /usr/sbin/policy-rc.d exiting 101; Postfix preseeded with "No configuration");
# the distribution's dovecot/postfix services are then disabled and checked not to be running. Nothing in /etc/dovecot
# or /etc/postfix is used.
#
# Each start wipes the state folder $MFPOAUTH_MAIL_STATE (default itest/target/mailserver), makes a test CA and server
# certificate there, renders the templates of templates/ into private config folders, picks free 127.0.0.1 ports, starts
# `dovecot -c` and `postfix -c`, waits for every banner and writes $MFPOAUTH_MAIL_PROPS (default
# <state>/mailserver.properties), read by io.mfpoauth.itest.mail.MailServer.
# --stop-with-parent (used by the Maven build): a watchdog stops the servers when the calling process (Maven) ends,
# should the build end without reaching post-integration-test.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
TEMPLATES="$HERE/templates"
STATE="${MFPOAUTH_MAIL_STATE:-$HERE/../target/mailserver}"
KC_PROPS="${MFPOAUTH_KEYCLOAK_PROPS:-$HERE/../target/keycloak/keycloak.properties}"
PROPS="${MFPOAUTH_MAIL_PROPS:-}"
READY_TIMEOUT="${MFPOAUTH_MAIL_TIMEOUT:-30}"
PLAIN_USER="plain@mfp.test"
PLAIN_PASSWORD="${MFPOAUTH_MAIL_PLAIN_PASSWORD:-plain-Test-pw1}"
MAIL_DOMAIN="mfp.test"
MESSAGE_SIZE_LIMIT=52428800          # 50 MiB, Postfix and Dovecot submission alike
PACKAGES=(dovecot-core dovecot-pop3d dovecot-submissiond dovecot-lmtpd postfix openssl)
INSTALL_LOCK="/var/lock/mfpoauth-mailserver-install.lock"

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3   # the system one starts fastest (no version-manager shim)

say() { echo "[mailserver] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

set_paths() {
  mkdir -p "$STATE"
  STATE="$(cd "$STATE" && pwd)"
  [ -n "${MFPOAUTH_MAIL_PROPS:-}" ] || PROPS="$STATE/mailserver.properties"
  DOVECOT_DIR="$STATE/dovecot"
  DOVECOT_CONF="$DOVECOT_DIR/dovecot.conf"
  POSTFIX_DIR="$STATE/postfix"
  POSTFIX_CONF="$POSTFIX_DIR/conf"
  TLS_DIR="$STATE/tls"
  LOG_DIR="$STATE/log"
  MAIL_ROOT="$STATE/mail"
  RUNFILE="$STATE/mailserver.run"      # "<run id> <smtp> <smtpDovecot> <pop3> <pop3s> <lmtp> <relay>"
  WATCHFILE="$STATE/watchdog.pid"
}

# --- install -----------------------------------------------------------------------------------------------------
missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || echo "$p"
  done
}

POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=""
block_services() {
  if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then
    POLICY_BACKUP="$(mktemp /usr/sbin/.policy-rc.d.mfpoauth.XXXXXX)"
    mv -f "$POLICY" "$POLICY_BACKUP"
  fi
  printf '#!/bin/sh\n# temporary, by mfp-oauth itest/mailserver/mailserver.sh: no service starts during the install\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
}
unblock_services() {
  rm -f "$POLICY"
  if [ -n "$POLICY_BACKUP" ]; then mv -f "$POLICY_BACKUP" "$POLICY"; POLICY_BACKUP=""; fi
}

pid_alive_exe() { # pid_alive_exe PIDFILE EXE -> pid on stdout if the pid file names a live process of EXE
  local pid=""
  [ -r "$1" ] || return 1
  read -r pid <"$1" 2>/dev/null || true
  pid="${pid//[!0-9]/}"
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" = "$2" ] && echo "$pid"
}

stop_distribution_services() {
  # The packages' own services: disabled at boot, and stopped if running (they would listen on every interface).
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now dovecot.socket dovecot.service postfix.service >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null; then
    update-rc.d dovecot disable >/dev/null 2>&1 || true
    update-rc.d postfix disable >/dev/null 2>&1 || true
  fi
  local pid
  if pid="$(pid_alive_exe /run/dovecot/master.pid /usr/sbin/dovecot)"; then
    say "the distribution's Dovecot is running (pid $pid): stopping it"
    doveadm stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  fi
  if pid="$(pid_alive_exe /var/spool/postfix/pid/master.pid /usr/lib/postfix/sbin/master)"; then
    say "the distribution's Postfix is running (pid $pid): stopping it"
    postfix stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  fi
}

install_packages() {
  local missing t0=$SECONDS rc
  missing="$(missing_packages)"
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || die "the Debian packages ${missing//$'\n'/ } are missing and installing them needs root"
  command -v apt-get >/dev/null || die "no apt-get: install ${missing//$'\n'/ } (Dovecot 2.3, Postfix 3.x) by hand"
  exec 8>"$INSTALL_LOCK"
  flock -w 1200 8 || die "could not lock $INSTALL_LOCK within 20 minutes"
  missing="$(missing_packages)"
  if [ -n "$missing" ]; then
    say "installing ${missing//$'\n'/ } with apt-get (first use; the distribution's services are kept from starting)"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    block_services
    trap 'unblock_services' EXIT
    local list=()
    mapfile -t list <<<"$missing"
    rc=0; apt_install "${list[@]}" || rc=$?
    if [ "$rc" -ne 0 ]; then
      say "apt-get install failed; running apt-get update and trying again"
      apt-get -q update >&2 || true
      rc=0; apt_install "${list[@]}" || rc=$?
    fi
    unblock_services
    trap - EXIT
    [ "$rc" -eq 0 ] || die "apt-get install ${missing//$'\n'/ } failed"
    stop_distribution_services
    say "installed in $((SECONDS - t0)) s"
  fi
  exec 8>&-
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" \
    >"${TMPDIR:-/tmp}/mfpoauth-mailserver-apt.log" 2>&1 \
    || { tail -n 20 "${TMPDIR:-/tmp}/mfpoauth-mailserver-apt.log" >&2; return 1; }
}

# --- helpers -----------------------------------------------------------------------------------------------------
prop() { # prop FILE KEY -> value of a java.util.Properties line KEY=VALUE (as written by provision.py)
  local line
  line="$(grep -m1 -E "^$2[[:space:]]*[=:]" "$1" || true)"
  [ -n "$line" ] || return 1
  line="${line#*[=:]}"
  line="${line#"${line%%[![:space:]]*}"}"
  printf '%s' "${line//\\\\/\\}"
}

free_ports() { # free_ports N -> N distinct free loopback ports
  "$PY" -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])
for x in s:
    x.close()' "$1"
}

render() { # render TEMPLATE OUT KEY=VALUE... : replace @KEY@ by VALUE; fails on a placeholder left unreplaced
  "$PY" - "$@" <<'EOF'
import re, sys
src, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(src, encoding="utf-8").read()
for p in pairs:
    k, v = p.split("=", 1)
    text = text.replace("@" + k + "@", v)
left = sorted(set(re.findall(r"@[A-Z][A-Z0-9_]*@", text)))
if left:
    sys.exit(f"{src}: no value for {' '.join(left)}")
open(out, "w", encoding="utf-8").write(text)
EOF
}

wait_banners() { # wait_banners TIMEOUT PIDS NAME:PORT:PREFIX[:tls]... -> true once every server greets with its
  # PREFIX (TLS ones checked with the test CA and host name 127.0.0.1); false at the timeout or once a pid of PIDS
  # (comma-separated) is gone; the ones not answering are printed on stdout
  "$PY" - "$TLS_DIR/ca.pem" "$@" <<'EOF'
import os, socket, ssl, sys, time
ca, timeout, pids, entries = sys.argv[1], float(sys.argv[2]), sys.argv[3].split(","), sys.argv[4:]

def greets(port, prefix, tls):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            if tls:
                s = ssl.create_default_context(cafile=ca).wrap_socket(s, server_hostname="127.0.0.1")
            line = s.makefile("rb").readline(512).decode("ascii", "replace")
            return line.startswith(prefix)
    except Exception:
        return False

pending = [e.split(":") for e in entries]
deadline = time.monotonic() + timeout
while pending:
    pending = [e for e in pending if not greets(int(e[1]), e[2], len(e) > 3)]
    if not pending:
        break
    def running(p):
        try:
            return open("/proc/%s/stat" % p).read().rsplit(") ", 1)[1][0] not in "ZXx"
        except (OSError, IndexError):
            return False
    alive = all(p and running(p) for p in pids)
    if not alive or time.monotonic() > deadline:
        print(" ".join(e[0] for e in pending))
        sys.exit(1)
    time.sleep(0.1)
EOF
}

find_process() { # find_process EXE FILE TEXT -> pids of live EXE processes whose /proc/PID/FILE (NUL-separated
  # words) has the word TEXT; found among the processes of that name, so it works without pid files (stale, or
  # deleted with the state folder)
  local pid
  for pid in $(pgrep -x "$(basename "$1")" 2>/dev/null || true); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" = "$1" ] || continue
    alive "$pid" || continue
    tr '\0' '\n' <"/proc/$pid/$2" 2>/dev/null | grep -qxF -- "$3" && echo "$pid"
  done
  return 0
}

dovecot_pid() { # pid of our Dovecot master (started as `dovecot -c $DOVECOT_CONF`), if it runs
  local pid
  pid="$(find_process /usr/sbin/dovecot cmdline "$DOVECOT_CONF" | head -n 1)"
  [ -n "$pid" ] && echo "$pid"
}

postfix_pid() { # pid of our Postfix master (its environment has MAIL_CONFIG=$POSTFIX_CONF), if it runs
  local pid
  pid="$(find_process /usr/lib/postfix/sbin/master environ "MAIL_CONFIG=$POSTFIX_CONF" | head -n 1)"
  [ -n "$pid" ] && echo "$pid"
}

children_of() { # children_of PID -> its direct children's pids
  ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true
}

alive() { # alive PID -> true if PID runs (a zombie does not: PID 1 may take seconds to reap orphaned daemons)
  local st
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }"
  case "${st%% *}" in Z|X|x|"") return 1 ;; *) return 0 ;; esac
}

wait_gone() { # wait_gone SECONDS PID... -> true once none is alive
  local deadline=$((SECONDS + $1)) p busy
  shift
  while :; do
    busy=""
    for p in "$@"; do alive "$p" && busy=1; done
    [ -z "$busy" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# --- stop --------------------------------------------------------------------------------------------------------
stop_postfix() {
  local pid kids
  pid="$(postfix_pid || true)"
  [ -n "$pid" ] || return 0
  kids="$(children_of "$pid")"
  say "stopping Postfix (master pid $pid)"
  if [ -f "$POSTFIX_CONF/main.cf" ]; then
    postfix -c "$POSTFIX_CONF" stop >/dev/null 2>&1 </dev/null || kill -TERM "$pid" 2>/dev/null || true
  else
    kill -TERM "$pid" 2>/dev/null || true   # its configuration is gone (state folder deleted while it ran)
  fi
  if ! wait_gone 10 "$pid"; then
    say "Postfix still running after 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086
  [ -z "$kids" ] || { kill -TERM $kids 2>/dev/null || true; wait_gone 5 $kids || kill -KILL $kids 2>/dev/null || true; }
}

stop_dovecot() {
  local pid kids
  pid="$(dovecot_pid || true)"
  [ -n "$pid" ] || return 0
  kids="$(children_of "$pid")"
  say "stopping Dovecot (master pid $pid)"
  # SIGTERM, as `doveadm stop` does (which then waits for the pid to vanish, zombie included).
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone 10 "$pid"; then
    say "Dovecot still running after 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086
  [ -z "$kids" ] || { kill -TERM $kids 2>/dev/null || true; wait_gone 5 $kids || kill -KILL $kids 2>/dev/null || true; }
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

cmd_stop() {
  local t0=$SECONDS
  set_paths
  kill_watchdog
  stop_postfix
  stop_dovecot
  rm -f "$RUNFILE" "$PROPS"
  say "stopped ($((SECONDS - t0)) s)"
}

# --- start -------------------------------------------------------------------------------------------------------
make_tls() { # a test CA and a server certificate for 127.0.0.1 / localhost / mail.mfp.test signed by it
  local d="$TLS_DIR"
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
      -days 825 -subj "/O=mfp-oauth itest/CN=mfp-oauth test mail CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
      -subj "/O=mfp-oauth itest/CN=127.0.0.1"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:mail.mfp.test" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -days 825 \
      -extfile server.ext -out server.pem
    cat server.pem ca.pem >server-chain.pem
    rm -f server.csr server.ext
    chmod 600 ca.key server.key
    chmod 644 ca.pem server.pem server-chain.pem
  ) >"$LOG_DIR/tls.log" 2>&1 || { cat "$LOG_DIR/tls.log" >&2; die "making the test certificates failed"; }
  TRUSTSTORE=""
  if command -v keytool >/dev/null; then
    keytool -importcert -noprompt -alias mfp-oauth-test-mail-ca -file "$d/ca.pem" -keystore "$d/truststore.p12" \
      -storetype PKCS12 -storepass changeit >>"$LOG_DIR/tls.log" 2>&1 && TRUSTSTORE="$d/truststore.p12"
  fi
}

prepare() { # prepare -> fresh state folder with everything but the port-dependent configs
  local mail_uid mail_gid u
  # Everything under the state folder is recreated: each start begins from the same known state. A folder that holds
  # anything else and was not made by this script is left alone (a mistaken MFPOAUTH_MAIL_STATE must not be wiped).
  if [ ! -e "$STATE/.mfpoauth-mailserver" ]; then
    for u in "$STATE"/* "$STATE"/.[!.]*; do
      [ -e "$u" ] || continue
      case "${u##*/}" in dovecot|postfix|tls|log|mail|mailserver.properties|mailserver.run|watchdog.pid) ;;
        *) die "$STATE holds ${u##*/} and is no mail server state folder (no .mfpoauth-mailserver in it): not wiping it; choose another MFPOAUTH_MAIL_STATE" ;;
      esac
    done
  fi
  find "$STATE" -mindepth 1 -maxdepth 1 ! -name "$(basename "$PROPS")" ! -name .mfpoauth-mailserver -exec rm -rf {} +
  echo "state folder of itest/mailserver/mailserver.sh: wiped at each start" >"$STATE/.mfpoauth-mailserver"
  rm -f "$PROPS"
  mkdir -p "$DOVECOT_DIR/lib" "$POSTFIX_CONF" "$POSTFIX_DIR/queue" "$POSTFIX_DIR/data" "$LOG_DIR" "$MAIL_ROOT"
  chmod 755 "$STATE" "$DOVECOT_DIR" "$POSTFIX_DIR" "$LOG_DIR"
  chown postfix:postfix "$POSTFIX_DIR/data"
  # Every folder from / down to the state folder must be searchable by the unprivileged users.
  u="$STATE"
  while [ "$u" != / ]; do
    [ "$(( 0$(stat -c %a "$u") & 01 ))" -ne 0 ] || die "$u is not searchable by others (mode $(stat -c %a "$u")): Dovecot and Postfix run as unprivileged users; put the state folder elsewhere (MFPOAUTH_MAIL_STATE)"
    u="$(dirname "$u")"
  done
  make_tls

  mail_uid="$(id -u mail)" mail_gid="$(id -g mail)"
  MAIL_UID="$mail_uid" MAIL_GID="$mail_gid"
  chown "$mail_uid:$mail_gid" "$MAIL_ROOT"
  chmod 750 "$MAIL_ROOT"
  : >"$POSTFIX_CONF/vmailbox"
  for u in "${USERS[@]}"; do
    mkdir -p "$MAIL_ROOT/$u/Maildir/cur" "$MAIL_ROOT/$u/Maildir/new" "$MAIL_ROOT/$u/Maildir/tmp"
    chown -R "$mail_uid:$mail_gid" "$MAIL_ROOT/$u"
    chmod -R 700 "$MAIL_ROOT/$u"
    echo "$u OK" >>"$POSTFIX_CONF/vmailbox"
  done
  # passwd-file: user:{scheme}password:uid:gid:gecos:home:shell:extra (uid/gid/home from the static userdb)
  printf '%s:{PLAIN}%s::::::\n' "$PLAIN_USER" "$PLAIN_PASSWORD" >"$DOVECOT_DIR/passwd"
  chown root:dovecot "$DOVECOT_DIR/passwd"
  chmod 640 "$DOVECOT_DIR/passwd"
}

configure() { # configure PORTS... -> render the configs for these ports and check them
  local ssl_dh_line=""
  [ -r /usr/share/dovecot/dh.pem ] && ssl_dh_line="ssl_dh = </usr/share/dovecot/dh.pem"
  local common=(
    "STATE=$STATE" "DOVECOT_DIR=$DOVECOT_DIR" "POSTFIX_DIR=$POSTFIX_DIR" "POSTFIX_CONF=$POSTFIX_CONF"
    "TLS_DIR=$TLS_DIR" "LOG_DIR=$LOG_DIR" "MAIL_ROOT=$MAIL_ROOT" "MAIL_UID=$MAIL_UID" "MAIL_GID=$MAIL_GID"
    "SMTP_PORT=$P_SMTP" "SUBMISSION_PORT=$P_SUBMISSION" "POP3_PORT=$P_POP3" "POP3S_PORT=$P_POP3S"
    "LMTP_PORT=$P_LMTP" "RELAY_PORT=$P_RELAY" "MESSAGE_SIZE_LIMIT=$MESSAGE_SIZE_LIMIT" "SSL_DH_LINE=$ssl_dh_line"
    "INTROSPECTION_URL=$INTROSPECTION_URL" "INTROSPECT_CLIENT=$INTROSPECT_CLIENT" "INTROSPECT_SECRET=$INTROSPECT_SECRET"
  )
  render "$TEMPLATES/dovecot.conf.in" "$DOVECOT_CONF" "${common[@]}" || die "rendering a template failed"
  render "$TEMPLATES/oauth2.conf.ext.in" "$DOVECOT_DIR/oauth2.conf.ext" "${common[@]}" || die "rendering a template failed"
  { chown root:dovecot "$DOVECOT_DIR/oauth2.conf.ext" && chmod 640 "$DOVECOT_DIR/oauth2.conf.ext"; } || die "chmod failed"
  render "$TEMPLATES/main.cf.in" "$POSTFIX_CONF/main.cf" "${common[@]}" || die "rendering a template failed"
  render "$TEMPLATES/master.cf.in" "$POSTFIX_CONF/master.cf" "${common[@]}" || die "rendering a template failed"
  doveconf -c "$DOVECOT_CONF" -n >"$DOVECOT_DIR/doveconf-n.txt" 2>"$LOG_DIR/doveconf.log" \
    || { cat "$LOG_DIR/doveconf.log" >&2; die "Dovecot rejects $DOVECOT_CONF"; }
  postconf -c "$POSTFIX_CONF" -n >"$POSTFIX_DIR/postconf-n.txt" 2>"$LOG_DIR/postconf.log" \
    || { cat "$LOG_DIR/postconf.log" >&2; die "Postfix rejects $POSTFIX_CONF/main.cf"; }
}

launch() { # launch -> 0 all up, 1 failed, 2 a port was taken (try other ports)
  local ports
  ports="$(free_ports 6)"
  read -r P_SMTP P_SUBMISSION P_POP3 P_POP3S P_LMTP P_RELAY <<<"$ports"
  configure
  # Both masters daemonize; their output goes to the logs (Dovecot's master keeps stderr open for its lifetime).
  dovecot -c "$DOVECOT_CONF" </dev/null >>"$LOG_DIR/dovecot-master.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/dovecot-master.log" "$LOG_DIR/dovecot.log" >&2 2>/dev/null
         grep -qi "address already in use" "$LOG_DIR/dovecot-master.log" "$LOG_DIR/dovecot.log" 2>/dev/null && return 2
         return 1; }
  postfix -c "$POSTFIX_CONF" start </dev/null >>"$LOG_DIR/postfix-master.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/postfix-master.log" "$LOG_DIR/postfix.log" >&2 2>/dev/null
         grep -qi "address already in use" "$LOG_DIR/postfix-master.log" "$LOG_DIR/postfix.log" 2>/dev/null && return 2
         return 1; }
  echo "$RUN_ID $P_SMTP $P_SUBMISSION $P_POP3 $P_POP3S $P_LMTP $P_RELAY" >"$RUNFILE"
  say "Dovecot (pop3 $P_POP3, pop3s $P_POP3S, submission $P_SUBMISSION, lmtp $P_LMTP) and Postfix (submission $P_SMTP, relay $P_RELAY) started; waiting for their banners"
  local not_up
  not_up="$(wait_banners "$READY_TIMEOUT" "$(dovecot_pid || true),$(postfix_pid || true)" \
    "postfix-submission:$P_SMTP:220" "postfix-relay:$P_RELAY:220" "dovecot-submission:$P_SUBMISSION:220" \
    "dovecot-pop3:$P_POP3:+OK" "dovecot-pop3s:$P_POP3S:+OK:tls" "dovecot-lmtp:$P_LMTP:220")" || {
    say "not answering: $not_up; last lines of the logs:"
    tail -n 15 "$LOG_DIR/dovecot.log" "$LOG_DIR/postfix.log" >&2 2>/dev/null || true
    if grep -qiE "address already in use" "$LOG_DIR/dovecot.log" "$LOG_DIR/postfix.log" 2>/dev/null; then return 2; fi
    return 1
  }
  return 0
}

write_props() {
  local tmp dv pv
  dv="$(dovecot --version 2>/dev/null | awk '{print $1}')"
  pv="$(postconf -d -h mail_version 2>/dev/null)"
  tmp="$(mktemp "$(dirname "$PROPS")/.mailserver-props.XXXXXX")"
  {
    echo "# Written by itest/mailserver/mailserver.sh start: the running test mail servers. Read by io.mfpoauth.itest.mail.MailServer."
    echo "host=127.0.0.1"
    echo "# Postfix submission: STARTTLS offered; AUTH XOAUTH2 (one-line or two-step), OAUTHBEARER, PLAIN through Dovecot SASL."
    echo "smtpPort=$P_SMTP"
    echo "# Dovecot submission (relays to Postfix): STARTTLS offered; AUTH XOAUTH2 two-step only with Keycloak tokens (its AUTH line is limited to about 1 KB)."
    echo "smtpDovecotPort=$P_SUBMISSION"
    echo "pop3Port=$P_POP3"
    echo "pop3sPort=$P_POP3S"
    echo "lmtpPort=$P_LMTP"
    echo "caCert=$TLS_DIR/ca.pem"
    if [ -n "$TRUSTSTORE" ]; then
      echo "trustStore=$TRUSTSTORE"
      echo "trustStoreType=PKCS12"
      echo "trustStorePassword=changeit"
    fi
    echo "maildir=$MAIL_ROOT"
    echo "# Mailbox of a user: <maildir>/<user>/Maildir (new/, cur/, tmp/)."
    echo "domain=$MAIL_DOMAIN"
    echo "users=$(IFS=,; echo "${USERS[*]}")"
    echo "oauthUsers=$(IFS=,; echo "${OAUTH_USERS[*]}")"
    echo "plainUser=$PLAIN_USER"
    echo "plainPassword=$PLAIN_PASSWORD"
    echo "authMechanisms=XOAUTH2 OAUTHBEARER PLAIN"
    echo "messageSizeLimit=$MESSAGE_SIZE_LIMIT"
    echo "introspectionUrl=$INTROSPECTION_URL"
    echo "dovecotVersion=$dv"
    echo "postfixVersion=$pv"
    echo "state=$STATE"
    echo "dovecotLog=$LOG_DIR/dovecot.log"
    echo "postfixLog=$LOG_DIR/postfix.log"
  } >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$PROPS"
}

start_watchdog() { # with --stop-with-parent: stop the servers once the caller (Maven) is gone
  [ -n "$WATCH_PARENT" ] || return 0
  kill_watchdog
  ( exec setsid "$SELF" _watch "$WATCH_PARENT" "$RUN_ID" >/dev/null 2>&1 </dev/null ) &
  echo $! >"$WATCHFILE"
}

WATCH_PARENT=""
cmd_start() {
  local t0=$SECONDS rc=1 users u _
  [ "${1:-}" = "--stop-with-parent" ] && WATCH_PARENT="$PPID"
  [ "$(id -u)" = 0 ] || die "needs root: Dovecot's and Postfix's masters run as root and drop to the packages' users"
  set_paths
  install_packages
  [ -f "$KC_PROPS" ] || die "no Keycloak properties at $KC_PROPS: start the test Keycloak first (itest/keycloak/keycloak.sh start) or set MFPOAUTH_KEYCLOAK_PROPS"
  ISSUER="$(prop "$KC_PROPS" issuer)" || die "$KC_PROPS lacks issuer"
  INTROSPECT_CLIENT="$(prop "$KC_PROPS" introspectClient)" || die "$KC_PROPS lacks introspectClient"
  INTROSPECT_SECRET="$(prop "$KC_PROPS" introspectSecret)" || die "$KC_PROPS lacks introspectSecret"
  users="$(prop "$KC_PROPS" users)" || die "$KC_PROPS lacks users"
  INTROSPECTION_URL="$ISSUER/protocol/openid-connect/token/introspect"
  OAUTH_USERS=()
  IFS=, read -r -a OAUTH_USERS <<<"$users"
  USERS=()
  for u in "${OAUTH_USERS[@]}"; do
    case "$u" in *"@$MAIL_DOMAIN") USERS+=("${u,,}") ;; *) say "ignoring Keycloak user $u (not @$MAIL_DOMAIN)" ;; esac
  done
  USERS+=("$PLAIN_USER")

  # Whatever runs (or was left by a crashed run) goes first: the config depends on this Keycloak's secret.
  kill_watchdog
  stop_postfix
  stop_dovecot
  trap 'say "interrupted"; stop_postfix; stop_dovecot; exit 130' INT TERM
  RUN_ID="$(date +%s)-$$"
  for _ in 1 2 3; do
    prepare
    rc=0; launch || rc=$?
    [ "$rc" -eq 0 ] && break
    stop_postfix
    stop_dovecot
    [ "$rc" -eq 2 ] && { say "a port was taken meanwhile; trying other ports"; continue; }
    break
  done
  [ "$rc" -eq 0 ] || { rm -f "$RUNFILE"; die "the mail servers did not start (logs in $LOG_DIR)"; }
  write_props
  start_watchdog
  trap - INT TERM
  say "ready in $((SECONDS - t0)) s: SMTP submission 127.0.0.1:$P_SMTP (Postfix), 127.0.0.1:$P_SUBMISSION (Dovecot), POP3 $P_POP3, POP3S $P_POP3S; properties in $PROPS"
}

cmd_status() {
  local d p run
  set_paths
  d="$(dovecot_pid || true)"
  p="$(postfix_pid || true)"
  if [ -n "$d" ] && [ -n "$p" ]; then
    run="$(cat "$RUNFILE" 2>/dev/null || true)"
    echo "mail servers are up: Dovecot pid $d, Postfix pid $p; ports (id smtp smtpDovecot pop3 pop3s lmtp relay): $run; properties $PROPS"
  else
    echo "mail servers are not running (Dovecot: ${d:-down}, Postfix: ${p:-down})"
    return 1
  fi
}

cmd_watch() { # _watch PARENT RUNID: stop the servers once PARENT is gone (unless they were stopped or restarted meanwhile)
  local parent="$1" runid="$2" cur=""
  set_paths
  while alive "$parent"; do
    cur="$(awk '{print $1}' "$RUNFILE" 2>/dev/null || true)"
    [ "$cur" = "$runid" ] || exit 0
    sleep 2
  done
  cur="$(awk '{print $1}' "$RUNFILE" 2>/dev/null || true)"
  if [ "$cur" = "$runid" ]; then rm -f "$WATCHFILE"; cmd_stop; fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  _watch) shift; cmd_watch "$@" ;;
  *) echo "usage: $0 start [--stop-with-parent] | stop | status" >&2; exit 2 ;;
esac
