#!/usr/bin/env bash
# Manages omnigate's private MariaDB, Mosquitto, Dovecot (IMAP), SMTP receiver, OpenLDAP directory and ClamAV
# daemon under $OMNIGATE_VAR_DIR, so development and tests never touch the system's own services.
# Usage: scripts/services.sh start|stop|restart|status mariadb|mosquitto|dovecot|smtp|ldap|clamd|all
# Everything runs as root: the checkout may be mode 700, which the mysql/mosquitto users could not traverse.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var_dir=${OMNIGATE_VAR_DIR:-$repo/var}
db_port=${OMNIGATE_DB_PORT:-3307}
db_name=${OMNIGATE_DB_NAME:-omnigate}
db_user=${OMNIGATE_DB_USER:-omnigate}
db_password=${OMNIGATE_DB_PASSWORD:-omnigate}
mqtt_port=${OMNIGATE_MQTT_PORT:-1884}
mqtt_ws_port=${OMNIGATE_MQTT_WS_PORT:-9001}
# Optional: a third listener with TLS (a self-signed CA made here), for clients that must prove it works over TLS.
mqtt_tls_port=${OMNIGATE_MQTT_TLS_PORT:-}
# The broker takes no anonymous client. The daemon's own client and a read-only observer (tests, people watching
# the events) are written into the dynamic-security file on every start. The demo passwords are safe only because
# every listener is on 127.0.0.1; set your own in the environment for anything else.
export OMNIGATE_MQTT_USER=${OMNIGATE_MQTT_USER:-omnigate}
export OMNIGATE_MQTT_PASSWORD=${OMNIGATE_MQTT_PASSWORD:-omnigate-demo-mqtt}
export OMNIGATE_MQTT_OBSERVER_USER=${OMNIGATE_MQTT_OBSERVER_USER:-observer}
export OMNIGATE_MQTT_OBSERVER_PASSWORD=${OMNIGATE_MQTT_OBSERVER_PASSWORD:-observer-demo-mqtt}
imap_port=${OMNIGATE_IMAP_PORT:-1143}
smtp_port=${OMNIGATE_SMTP_PORT:-2525}
# The demo mailbox (config/omnigate.yaml's email account `demo`) and Dovecot's master user, through which the SMTP
# receiver delivers into any recipient's INBOX and tests read any client's mailbox.
mail_user=${OMNIGATE_IMAP_USER:-demo@omnigate.test}
mail_password=${OMNIGATE_IMAP_PASSWORD:-demo-password}
mail_master_password=${OMNIGATE_MAIL_MASTER_PASSWORD:-omnigate-relay}
# The demo directory (config/ldap/demo.ldif) and the service account that may read it; the script adds that account
# itself so that its password comes from the environment like the others.
ldap_port=${OMNIGATE_LDAP_PORT:-13389}
ldaps_port=${OMNIGATE_LDAPS_PORT:-13636}
ldap_suffix=dc=omnigate,dc=test
ldap_reader_dn=cn=omnigate-reader,ou=services,$ldap_suffix
ldap_reader_password=${OMNIGATE_LDAP_BIND_PASSWORD:-omnigate-reader}

db_dir=$var_dir/mariadb
db_data=$db_dir/data
db_sock=$db_dir/sock
db_pid=$db_dir/mariadbd.pid
db_log=$db_dir/error.log
mq_dir=$var_dir/mosquitto
mq_conf=$mq_dir/mosquitto.conf
mq_pid=$mq_dir/mosquitto.pid
mq_log=$mq_dir/mosquitto.log
mq_dynsec=$mq_dir/dynamic-security.json
mq_tls=$mq_dir/tls
dc_dir=$var_dir/dovecot
dc_conf=$dc_dir/dovecot.conf
dc_pid=$dc_dir/run/master.pid
dc_log=$dc_dir/dovecot.log
smtp_dir=$var_dir/smtp
smtp_pid=$smtp_dir/smtp_relay.pid
smtp_log=$smtp_dir/smtp_relay.log
ldap_dir=$var_dir/ldap
ldap_conf=$ldap_dir/slapd.conf
ldap_pid=$ldap_dir/slapd.pid
ldap_log=$ldap_dir/slapd.log
ldap_sock=$ldap_dir/ldapi
ldap_tls=$ldap_dir/tls
clamd_dir=$var_dir/clamd
clamd_conf=$clamd_dir/clamd.conf
clamd_pid=$clamd_dir/clamd.pid
clamd_log=$clamd_dir/clamd.log
# The daemon's files.antivirus.address is unix:<this path>.
clamd_sock=${OMNIGATE_CLAMD_SOCKET:-$clamd_dir/clamd.sock}

usage() { echo "usage: $0 start|stop|restart|status mariadb|mosquitto|dovecot|smtp|ldap|clamd|all" >&2; exit 2; }
die() { echo "services: $*" >&2; exit 1; }

# True if pid is alive and is the expected program: guards against stale pid files whose number was reused, and
# against zombies (kill -0 reports those as alive, but they hold no ports or files any more).
proc_alive() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Prints the pid from a pid file if that process is alive. A server that is exiting may delete its pid file
# between the test and the read: that is "not running", not a shell error.
live_pid() {
  local pid
  [ -s "$1" ] && pid=$(tr -dc '0-9' 2>/dev/null <"$1") && [ -n "$pid" ] && proc_alive "$pid" "$2" && echo "$pid"
}

# SIGTERM lets MariaDB flush InnoDB and Mosquitto save its persistence file; SIGKILL only after a timeout. Waits
# on the process, not the pid file: a server may delete that before it has fully exited.
stop_pid() {
  local name=$1 file=$2 comm=$3 timeout=$4 pid i
  if ! pid=$(live_pid "$file" "$comm"); then
    rm -f "$file"
    echo "$name: not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    proc_alive "$pid" "$comm" || { rm -f "$file"; echo "$name: stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  echo "$name: still running after ${timeout}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    proc_alive "$pid" "$comm" || { rm -f "$file"; echo "$name: killed (pid $pid)"; return 0; }
    sleep 0.1
  done
  die "$name: pid $pid survived SIGKILL"
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Refuses a port someone else holds: the readiness probe would otherwise talk to the wrong server.
require_free_port() {
  ! tcp_open "$2" || die "$1: port $2 is already in use by another process"
}

fail_with_logs() {
  local msg=$1 log
  shift
  for log; do [ -f "$log" ] && { echo "---- tail of $log"; tail -n 25 "$log"; }; done >&2
  die "$msg"
}

# Polls a readiness probe; fails at once (with the logs) if the server process has already exited.
wait_ready() {
  local name=$1 pid=$2 timeout=$3 probe=$4 i
  shift 4
  for ((i = 0; i < timeout * 10; i++)); do
    "$probe" && return 0
    kill -0 "$pid" 2>/dev/null || fail_with_logs "$name: exited during start-up" "$@"
    sleep 0.1
  done
  fail_with_logs "$name: not ready within ${timeout}s" "$@"
}

# Single-quoted SQL string literal (backslash and quote escaped).
sql_str() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }

db_ping() { mariadb-admin --no-defaults --socket="$db_sock" -u root ping >/dev/null 2>&1; }

start_mariadb() {
  local pid
  if pid=$(live_pid "$db_pid" mariadbd); then
    echo "mariadb: already running (pid $pid, port $db_port)"
    return 0
  fi
  require_free_port mariadb "$db_port"
  # A unix socket path is limited to 107 bytes; fail clearly rather than with mariadbd's cryptic error.
  [ ${#db_sock} -le 100 ] || die "mariadb: socket path too long: $db_sock; use a shorter OMNIGATE_VAR_DIR"
  mkdir -p "$db_dir"
  # --no-defaults: a private server must not pick up /etc/mysql settings (its pid file, socket, tuning).
  if [ ! -d "$db_data/mysql" ]; then
    echo "mariadb: initialising $db_data"
    rm -rf "$db_data"
    mariadb-install-db --no-defaults --user=root --datadir="$db_data" --auth-root-authentication-method=normal \
      --skip-test-db >"$db_dir/install.log" 2>&1 || fail_with_logs "mariadb: install-db failed" "$db_dir/install.log"
  fi
  rm -f "$db_pid"
  # setsid+nohup: the server must outlive this script and its terminal. utf8mb4 as Debian's own config would set;
  # innodb_flush_log_at_trx_commit=1 (the default) spelled out because durability of each commit matters.
  # Its own tmpdir: a temporary table of a long query (bench/reports' rebuild) lost its file to a clean-up of /tmp.
  mkdir -p "$db_dir/tmp"
  setsid nohup mariadbd --no-defaults --user=root --datadir="$db_data" --socket="$db_sock" --port="$db_port" \
    --bind-address=127.0.0.1 --pid-file="$db_pid" --log-error="$db_log" --max-connections=500 --tmpdir="$db_dir/tmp" \
    --innodb-flush-log-at-trx-commit=1 --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    </dev/null >>"$db_log" 2>&1 &
  pid=$!
  wait_ready mariadb "$pid" 60 db_ping "$db_log"
  # Idempotent; ALTER USER re-applies the password on every start, so a changed OMNIGATE_DB_PASSWORD takes effect.
  local db_ident="\`${db_name//\`/\`\`}\`" host acct
  local sql="CREATE DATABASE IF NOT EXISTS $db_ident CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;"
  for host in 127.0.0.1 localhost; do
    acct="$(sql_str "$db_user")@$(sql_str "$host")"
    sql+="CREATE USER IF NOT EXISTS $acct IDENTIFIED BY $(sql_str "$db_password");"
    sql+="ALTER USER $acct IDENTIFIED BY $(sql_str "$db_password");"
    sql+="GRANT ALL PRIVILEGES ON $db_ident.* TO $acct;"
    # Scratch databases next to it (<name>_scratch_…): a migration test builds an old schema there.
    sql+="GRANT ALL PRIVILEGES ON \`${db_name//\`/\`\`}_scratch_%\`.* TO $acct;"
  done
  mariadb --no-defaults --socket="$db_sock" -u root -e "$sql" || die "mariadb: creating database/user failed"
  echo "mariadb: running (pid $pid, port $db_port, db $db_name, user $db_user)"
}

# -E: exits 0 once the broker acknowledged a subscription, i.e. it really speaks MQTT on the port and the observer's
# credentials work (the dynamic-security plugin is loaded). The password goes through mosquitto_sub's options
# file, not its command line, which other local users can read.
mq_ping() {
  tcp_open "$mqtt_ws_port" &&
    XDG_CONFIG_HOME=$mq_dir/probe timeout 3 mosquitto_sub -t omnigate/v1/probe -E -i "omnigate-probe-$$" >/dev/null 2>&1
}

# A private CA, and a server certificate for 127.0.0.1/localhost and a client certificate it signed: the TLS
# listener's and a client's proof (mqtt.ca_file, mqtt.cert_file/key_file in the daemon's config).
make_mqtt_tls() {
  [ -s "$mq_tls/client.crt" ] && return 0
  mkdir -p "$mq_tls"
  (
    set -e
    cd "$mq_tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=omnigate-test-ca -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
    openssl x509 -req -days 3650 -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -extfile server.ext \
      -out server.crt
    openssl req -newkey rsa:2048 -nodes -subj /CN=omnigate -keyout client.key -out client.csr
    openssl x509 -req -days 3650 -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt
    chmod 600 ./*.key
  ) >"$mq_dir/openssl.log" 2>&1 || fail_with_logs "mosquitto: creating the TLS certificates failed" "$mq_dir/openssl.log"
}

start_mosquitto() {
  local pid
  if pid=$(live_pid "$mq_pid" mosquitto); then
    echo "mosquitto: already running (pid $pid, ports $mqtt_port/$mqtt_ws_port)"
    return 0
  fi
  require_free_port mosquitto "$mqtt_port"
  require_free_port mosquitto "$mqtt_ws_port"
  [ -z "$mqtt_tls_port" ] || require_free_port mosquitto "$mqtt_tls_port"
  mkdir -p "$mq_dir/data" "$mq_dir/probe"
  /usr/bin/python3 "$repo/scripts/mosquitto_dynsec.py" "$mq_dynsec" || die "mosquitto: writing $mq_dynsec failed"
  (umask 077 && printf -- '-h 127.0.0.1\n-p %s\n-u %s\n-P %s\n' "$mqtt_port" "$OMNIGATE_MQTT_OBSERVER_USER" \
    "$OMNIGATE_MQTT_OBSERVER_PASSWORD" >"$mq_dir/probe/mosquitto_sub")
  local tls_conf=""
  if [ -n "$mqtt_tls_port" ]; then
    make_mqtt_tls
    tls_conf="listener $mqtt_tls_port 127.0.0.1
cafile $mq_tls/ca.crt
certfile $mq_tls/server.crt
keyfile $mq_tls/server.key
require_certificate false"
  fi
  # Rewritten on every start so port changes apply. per_listener_settings false (the default) makes
  # allow_anonymous cover every listener. max_queued_messages 0: with the default 1000 a slow subscriber loses
  # messages. max_inflight_messages 0 = no limit (2.0.11 accepts it). persistence keeps persistent sessions'
  # queued QoS 1/2 messages across a broker restart. set_tcp_nodelay: with Nagle on, the second and later
  # PUBACKs of a burst waited ~40 ms for a delayed ACK (measured by bench/). user root: else it drops to
  # 'mosquitto', which may not reach the var dir, and the dynamic-security plugin must be able to write its file
  # (it fails silently otherwise, Mosquitto #2727).
  cat >"$mq_conf" <<EOF
# Generated by scripts/services.sh; edits are overwritten on start.
per_listener_settings false
allow_anonymous false
plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so
plugin_opt_config_file $mq_dynsec
listener $mqtt_port 127.0.0.1
listener $mqtt_ws_port 127.0.0.1
protocol websockets
$tls_conf
max_queued_messages 0
max_inflight_messages 0
set_tcp_nodelay true
persistence true
persistence_location $mq_dir/data/
autosave_interval 60
user root
pid_file $mq_pid
log_dest file $mq_log
EOF
  rm -f "$mq_pid"
  # Not -d: started like mariadbd, the pid is known at once, so a broker that dies on start-up is noticed at once.
  # stderr gets config errors (and the run-as-root warning, which would otherwise clutter the terminal).
  setsid nohup mosquitto -c "$mq_conf" </dev/null >"$mq_dir/stderr.log" 2>&1 &
  pid=$!
  echo "$pid" >"$mq_pid"
  wait_ready mosquitto "$pid" 20 mq_ping "$mq_log" "$mq_dir/stderr.log"
  echo "mosquitto: running (pid $pid, mqtt $mqtt_port, websockets $mqtt_ws_port${mqtt_tls_port:+, tls $mqtt_tls_port})"
}

# Speaks IMAP: the greeting of Dovecot on the port.
dc_ping() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$imap_port && head -c 4 <&3 | grep -q '^\\* OK'" 2>/dev/null; }

start_dovecot() {
  local pid
  if pid=$(live_pid "$dc_pid" dovecot); then
    echo "dovecot: already running (pid $pid, imap $imap_port)"
    return 0
  fi
  require_free_port dovecot "$imap_port"
  mkdir -p "$dc_dir/run" "$dc_dir/state" "$dc_dir/mail"
  # Dovecot refuses to run its login and mail processes as root: they run as dovecot/dovenull, own the mail folders,
  # and must be able to reach them (the var dir's parents are traversable). Plain LOGIN is allowed because the
  # listener is loopback only; the master user `relay` may log in as anyone (user*relay), static userdb: every
  # address has a mailbox. The demo user is (re)written on every start so a changed OMNIGATE_IMAP_* applies.
  printf '%s:{PLAIN}%s\n' "$mail_user" "$mail_password" >"$dc_dir/users"
  for u in alice@omnigate.test bob@omnigate.test; do printf '%s:{PLAIN}%s\n' "$u" "$mail_password" >>"$dc_dir/users"; done
  printf 'relay:{PLAIN}%s\n' "$mail_master_password" >"$dc_dir/masters"
  chmod 644 "$dc_dir/users"
  chgrp dovecot "$dc_dir/masters"
  chmod 640 "$dc_dir/masters"
  chown dovecot:dovecot "$dc_dir/mail"
  # A self-signed certificate for STARTTLS, shared with the SMTP receiver: TLS code paths meet a real handshake.
  # Without the openssl tool both servers run without STARTTLS (and the TLS test says so).
  if { [ ! -s "$dc_dir/tls.key" ] || [ ! -s "$dc_dir/tls.crt" ]; } && command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=127.0.0.1 \
      -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$dc_dir/tls.key" -out "$dc_dir/tls.crt" \
      >"$dc_dir/openssl.log" 2>&1 || fail_with_logs "dovecot: creating a certificate failed" "$dc_dir/openssl.log"
    chmod 600 "$dc_dir/tls.key"
  fi
  local ssl_conf="ssl = no"
  [ -s "$dc_dir/tls.crt" ] && ssl_conf="ssl = yes
ssl_cert = <$dc_dir/tls.crt
ssl_key = <$dc_dir/tls.key"
  cat >"$dc_conf" <<EOF
# Generated by scripts/services.sh; edits are overwritten on start.
base_dir = $dc_dir/run
state_dir = $dc_dir/state
log_path = $dc_log
instance_name = omnigate-dovecot-$imap_port
protocols = imap
listen = 127.0.0.1
$ssl_conf
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
auth_username_format = %Lu
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:$dc_dir/mail/%u
passdb {
  driver = passwd-file
  master = yes
  args = $dc_dir/masters
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $dc_dir/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$dc_dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
  rm -f "$dc_pid"
  # -F: in the foreground of its own session, so the pid is known at once (like mosquitto above).
  setsid nohup dovecot -F -c "$dc_conf" </dev/null >"$dc_dir/stderr.log" 2>&1 &
  pid=$!
  wait_ready dovecot "$pid" 20 dc_ping "$dc_log" "$dc_dir/stderr.log"
  echo "dovecot: running (pid $pid, imap $imap_port, demo mailbox $mail_user)"
}

smtp_ping() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$smtp_port && head -c 3 <&3 | grep -q '^220'" 2>/dev/null; }

# The SMTP receiver delivers into Dovecot, so it needs Dovecot's port and master user; /usr/bin/python3 because
# python3-aiosmtpd is installed for Debian's Python, not for another python3 earlier on PATH.
start_smtp() {
  local pid
  if pid=$(live_pid "$smtp_pid" python3); then
    echo "smtp: already running (pid $pid, port $smtp_port)"
    return 0
  fi
  require_free_port smtp "$smtp_port"
  [ -f "$dc_dir/users" ] || die "smtp: start dovecot first (it delivers into Dovecot and authenticates its users)"
  mkdir -p "$smtp_dir"
  rm -f "$smtp_pid"
  local tls_args=()
  [ -s "$dc_dir/tls.crt" ] && tls_args=(--tls-cert "$dc_dir/tls.crt" --tls-key "$dc_dir/tls.key")
  setsid nohup /usr/bin/python3 "$repo/scripts/smtp_relay.py" --port "$smtp_port" --imap-port "$imap_port" \
    --users "$dc_dir/users" --master-user relay --master-password "$mail_master_password" \
    ${tls_args[@]+"${tls_args[@]}"} \
    </dev/null >"$smtp_log" 2>&1 &
  pid=$!
  echo "$pid" >"$smtp_pid"
  wait_ready smtp "$pid" 20 smtp_ping "$smtp_log"
  echo "smtp: running (pid $pid, port $smtp_port, delivering into dovecot)"
}

# The directory answers an anonymous read of its root entry (what every LDAP client asks first).
ldap_ping() {
  timeout 3 ldapsearch -x -LLL -H "ldap://127.0.0.1:$ldap_port" -s base -b '' namingContexts >/dev/null 2>&1
}

# A CA and a server certificate it signed (for 127.0.0.1 and localhost), made once: clients verify the server
# against ca.crt for StartTLS and ldaps, as they would against a company's own CA. The CA's key stays next to it
# only because this is a throw-away test CA.
make_ldap_certificates() {
  [ -s "$ldap_tls/ca.crt" ] && [ -s "$ldap_tls/server.crt" ] && [ -s "$ldap_tls/server.key" ] && return 0
  command -v openssl >/dev/null || die "ldap: openssl is needed for the directory's certificates (scripts/setup.sh)"
  mkdir -p "$ldap_tls"
  local log=$ldap_tls/openssl.log
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=omnigate test directory CA" \
      -keyout "$ldap_tls/ca.key" -out "$ldap_tls/ca.crt" &&
      openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$ldap_tls/server.key" \
        -out "$ldap_tls/server.csr" &&
      printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' \
        >"$ldap_tls/server.ext" &&
      openssl x509 -req -in "$ldap_tls/server.csr" -CA "$ldap_tls/ca.crt" -CAkey "$ldap_tls/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$ldap_tls/server.ext" -out "$ldap_tls/server.crt"
  } >"$log" 2>&1 || fail_with_logs "ldap: creating the certificates failed" "$log"
  chmod 600 "$ldap_tls/ca.key" "$ldap_tls/server.key"
}

start_ldap() {
  local pid
  if pid=$(live_pid "$ldap_pid" slapd); then
    echo "ldap: already running (pid $pid, ldap $ldap_port, ldaps $ldaps_port)"
    return 0
  fi
  require_free_port ldap "$ldap_port"
  require_free_port ldap "$ldaps_port"
  # The unix socket (through which this script loads the data) goes into an ldapi:// URL: keep its path simple.
  [ ${#ldap_sock} -le 100 ] || die "ldap: socket path too long: $ldap_sock; use a shorter OMNIGATE_VAR_DIR"
  case $ldap_sock in
    *[!A-Za-z0-9._/-]*) die "ldap: the var dir may hold only letters, digits and ._/- : $ldap_dir" ;;
  esac
  local ldapi=ldapi://${ldap_sock//\//%2F}
  make_ldap_certificates
  # Fresh data on every start: tests see exactly the LDIF, whatever an earlier run changed.
  rm -rf "$ldap_dir/data" "$ldap_sock"
  mkdir -p "$ldap_dir/data"
  # Rewritten on every start so port changes apply. The root DN is root connecting over the unix socket (SASL
  # EXTERNAL), so there is no administrator password to leak. memberof keeps memberOf on users and on nested
  # groups, as Active Directory does. Only the service account reads; a user may bind and read itself.
  cat >"$ldap_conf" <<EOF
# Generated by scripts/services.sh; edits are overwritten on start.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile $ldap_pid
argsfile $ldap_dir/slapd.args
TLSCACertificateFile $ldap_tls/ca.crt
TLSCertificateFile $ldap_tls/server.crt
TLSCertificateKeyFile $ldap_tls/server.key

database mdb
suffix "$ldap_suffix"
rootdn "gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"
directory $ldap_dir/data
maxsize 67108864
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by dn.exact="$ldap_reader_dn" read
  by self read
  by * none
EOF
  rm -f "$ldap_pid"
  # -d stats: in the foreground of its own session (the pid is known at once, like mosquitto above), logging each
  # connection, bind DN and search filter; never a password.
  local urls="ldap://127.0.0.1:$ldap_port/ ldaps://127.0.0.1:$ldaps_port/ $ldapi"
  setsid nohup slapd -f "$ldap_conf" -d stats -h "$urls" </dev/null >"$ldap_log" 2>&1 &
  pid=$!
  wait_ready ldap "$pid" 20 ldap_ping "$ldap_log"
  # A server left running without its data would be taken as ready by the next start: stop it on any failure.
  trap 'stop_ldap >/dev/null' EXIT
  local hash
  hash=$(slappasswd -n -T <(printf '%s' "$ldap_reader_password")) || die "ldap: hashing the reader's password failed"
  {
    cat "$repo/config/ldap/demo.ldif"
    printf '\ndn: %s\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: omnigate-reader\n' \
      "$ldap_reader_dn"
    printf 'userPassword: %s\n' "$hash"
  } | ldapadd -Q -Y EXTERNAL -H "$ldapi" >"$ldap_dir/load.log" 2>&1 ||
    fail_with_logs "ldap: loading config/ldap/demo.ldif failed" "$ldap_dir/load.log" "$ldap_log"
  # The service account binds over ldaps with the CA: data, account and TLS are all in place.
  LDAPTLS_CACERT=$ldap_tls/ca.crt timeout 5 ldapwhoami -x -H "ldaps://127.0.0.1:$ldaps_port" -D "$ldap_reader_dn" \
    -y <(printf '%s' "$ldap_reader_password") >/dev/null 2>"$ldap_dir/probe.log" ||
    fail_with_logs "ldap: the service account cannot bind over ldaps" "$ldap_dir/probe.log" "$ldap_log"
  trap - EXIT
  echo "ldap: running (pid $pid, ldap://127.0.0.1:$ldap_port with StartTLS, ldaps://127.0.0.1:$ldaps_port," \
    "CA $ldap_tls/ca.crt, base $ldap_suffix, reader $ldap_reader_dn)"
}

# clamd answers PING with PONG once its signatures are loaded (the z prefix: NUL-terminated, as the daemon speaks).
clamd_ping() {
  /usr/bin/python3 - "$clamd_sock" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(3)
s.connect(sys.argv[1])
s.sendall(b"zPING\0")
sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
PY
}

# Debian ships clamd without signatures: freshclam downloads them from database.clamav.net, which a machine without
# the internet (this one, CI) cannot reach, and the full set takes a minute and a gigabyte to load. The private clamd
# loads one signature of its own instead: the EICAR test file's hash (an .hdb line: MD5, size, name), which every
# antivirus detects by agreement, so that a scan that finds it is a real scan by the real daemon.
start_clamd() {
  local pid
  if pid=$(live_pid "$clamd_pid" clamd); then
    echo "clamd: already running (pid $pid, socket $clamd_sock)"
    return 0
  fi
  command -v clamd >/dev/null || die "clamd: not installed (scripts/setup.sh installs clamav-daemon)"
  [ ${#clamd_sock} -le 100 ] || die "clamd: socket path too long: $clamd_sock; use a shorter OMNIGATE_VAR_DIR"
  mkdir -p "$clamd_dir/db"
  local eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
  printf '%s:%s:Eicar-Test-Signature\n' "$(printf '%s' "$eicar" | md5sum | cut -d' ' -f1)" "${#eicar}" \
    >"$clamd_dir/db/eicar.hdb"
  # Streams up to 40 MiB: above files.max_bytes of every config here, so clamd never cuts a file short.
  cat >"$clamd_conf" <<CONF
# Generated by scripts/services.sh; edits are overwritten on start.
Foreground yes
LocalSocket $clamd_sock
LocalSocketMode 600
DatabaseDirectory $clamd_dir/db
PidFile $clamd_pid
LogFile $clamd_log
LogTime yes
StreamMaxLength 40M
MaxFileSize 40M
MaxScanSize 160M
CONF
  rm -f "$clamd_pid" "$clamd_sock"
  setsid nohup clamd -c "$clamd_conf" </dev/null >"$clamd_dir/stderr.log" 2>&1 &
  pid=$!
  wait_ready clamd "$pid" 30 clamd_ping "$clamd_log" "$clamd_dir/stderr.log"
  echo "clamd: running (pid $pid, socket $clamd_sock, signatures: the EICAR test file's only)"
}

stop_mariadb() { stop_pid mariadb "$db_pid" mariadbd 60; }
stop_mosquitto() { stop_pid mosquitto "$mq_pid" mosquitto 20; }
# Dovecot's master lets running IMAP sessions end on their own: they outlived it by seconds, still serving their
# clients, so a "stopped" server was still reachable. setsid made the master a process group leader; the whole group
# is signalled, so every session ends with the master.
stop_dovecot() {
  local pid
  if pid=$(live_pid "$dc_pid" dovecot); then kill -TERM -- "-$pid" 2>/dev/null || true; fi
  stop_pid dovecot "$dc_pid" dovecot 20
  [ -z "${pid:-}" ] || kill -KILL -- "-$pid" 2>/dev/null || true
}
stop_smtp() { stop_pid smtp "$smtp_pid" python3 20; }
stop_ldap() { stop_pid ldap "$ldap_pid" slapd 20; }
stop_clamd() { stop_pid clamd "$clamd_pid" clamd 20; }

status_one() {
  local name=$1 file=$2 comm=$3 ports=$4 pid
  if pid=$(live_pid "$file" "$comm"); then
    echo "$name: running (pid $pid, $ports)"
  else
    echo "$name: stopped"
    return 3
  fi
}

[ $# -eq 2 ] || usage
action=$1
case $2 in
  mariadb | mosquitto | dovecot | smtp | ldap | clamd) services=("$2") ;;
  all) services=(mariadb mosquitto dovecot smtp ldap clamd) ;;
  *) usage ;;
esac

case $action in
  start) for s in "${services[@]}"; do "start_$s"; done ;;
  stop) for ((n = ${#services[@]} - 1; n >= 0; n--)); do "stop_${services[n]}"; done ;;
  restart)
    for ((n = ${#services[@]} - 1; n >= 0; n--)); do "stop_${services[n]}"; done
    for s in "${services[@]}"; do "start_$s"; done
    ;;
  status)
    rc=0
    for s in "${services[@]}"; do
      case $s in
        mariadb) status_one mariadb "$db_pid" mariadbd "port $db_port" || rc=3 ;;
        mosquitto) status_one mosquitto "$mq_pid" mosquitto "ports $mqtt_port/$mqtt_ws_port" || rc=3 ;;
        dovecot) status_one dovecot "$dc_pid" dovecot "imap $imap_port" || rc=3 ;;
        smtp) status_one smtp "$smtp_pid" python3 "port $smtp_port" || rc=3 ;;
        ldap) status_one ldap "$ldap_pid" slapd "ldap $ldap_port, ldaps $ldaps_port" || rc=3 ;;
        clamd) status_one clamd "$clamd_pid" clamd "socket $clamd_sock" || rc=3 ;;
      esac
    done
    exit "$rc"
    ;;
  *) usage ;;
esac
