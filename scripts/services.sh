#!/usr/bin/env bash
# Manages omnigate's private MariaDB and Mosquitto under $OMNIGATE_VAR_DIR, so development and tests never touch
# the system's own services. Usage: scripts/services.sh start|stop|restart|status mariadb|mosquitto|all
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

db_dir=$var_dir/mariadb
db_data=$db_dir/data
db_sock=$db_dir/sock
db_pid=$db_dir/mariadbd.pid
db_log=$db_dir/error.log
mq_dir=$var_dir/mosquitto
mq_conf=$mq_dir/mosquitto.conf
mq_pid=$mq_dir/mosquitto.pid
mq_log=$mq_dir/mosquitto.log

usage() { echo "usage: $0 start|stop|restart|status mariadb|mosquitto|all" >&2; exit 2; }
die() { echo "services: $*" >&2; exit 1; }

# True if pid is alive and is the expected program: guards against stale pid files whose number was reused, and
# against zombies (kill -0 reports those as alive, but they hold no ports or files any more).
proc_alive() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Prints the pid from a pid file if that process is alive.
live_pid() {
  local pid
  [ -s "$1" ] && pid=$(tr -dc '0-9' <"$1") && [ -n "$pid" ] && proc_alive "$pid" "$2" && echo "$pid"
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
  setsid nohup mariadbd --no-defaults --user=root --datadir="$db_data" --socket="$db_sock" --port="$db_port" \
    --bind-address=127.0.0.1 --pid-file="$db_pid" --log-error="$db_log" --max-connections=500 \
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
  done
  mariadb --no-defaults --socket="$db_sock" -u root -e "$sql" || die "mariadb: creating database/user failed"
  echo "mariadb: running (pid $pid, port $db_port, db $db_name, user $db_user)"
}

# -E: exits 0 once the broker acknowledged a subscription, i.e. it really speaks MQTT on the port.
mq_ping() {
  tcp_open "$mqtt_ws_port" &&
    timeout 3 mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t omnigate/probe -E -i "omnigate-probe-$$" >/dev/null 2>&1
}

start_mosquitto() {
  local pid
  if pid=$(live_pid "$mq_pid" mosquitto); then
    echo "mosquitto: already running (pid $pid, ports $mqtt_port/$mqtt_ws_port)"
    return 0
  fi
  require_free_port mosquitto "$mqtt_port"
  require_free_port mosquitto "$mqtt_ws_port"
  mkdir -p "$mq_dir/data"
  # Rewritten on every start so port changes apply. per_listener_settings false (the default) makes
  # allow_anonymous cover both listeners. max_queued_messages 0: with the default 1000 a slow subscriber loses
  # messages. max_inflight_messages 0 = no limit (2.0.11 accepts it). persistence keeps persistent sessions'
  # queued QoS 1/2 messages across a broker restart. set_tcp_nodelay: with Nagle on, the second and later
  # PUBACKs of a burst waited ~40 ms for a delayed ACK (measured by bench/). user root: else it drops to
  # 'mosquitto', which may not reach the var dir.
  cat >"$mq_conf" <<EOF
# Generated by scripts/services.sh; edits are overwritten on start.
per_listener_settings false
allow_anonymous true
listener $mqtt_port 127.0.0.1
listener $mqtt_ws_port 127.0.0.1
protocol websockets
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
  echo "mosquitto: running (pid $pid, mqtt $mqtt_port, websockets $mqtt_ws_port)"
}

stop_mariadb() { stop_pid mariadb "$db_pid" mariadbd 60; }
stop_mosquitto() { stop_pid mosquitto "$mq_pid" mosquitto 20; }

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
  mariadb | mosquitto) services=("$2") ;;
  all) services=(mariadb mosquitto) ;;
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
      esac
    done
    exit "$rc"
    ;;
  *) usage ;;
esac
