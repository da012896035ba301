#!/usr/bin/env bash
# Installs every Debian package omnigate needs to build, run and test. Idempotent: packages already present are
# skipped, so a second run costs a few dpkg queries and no network.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libpoco-dev libpaho-mqttpp-dev libpaho-mqtt-dev libyaml-cpp-dev libmysqlcppconn-dev libcurl4-openssl-dev
  libxlsxwriter-dev libsofia-sip-ua-dev libsodium-dev
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev
  mariadb-server mariadb-client mosquitto mosquitto-clients curl
  dovecot-imapd python3-aiosmtpd sip-tester openssl
  slapd ldap-utils libldap-dev
  clamav-daemon
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=sudo
else
  sudo_cmd=
fi

# Debian's slapd serves ldap:///: on port 389 when its init script runs. omnigate's tests use a private slapd of
# their own (scripts/services.sh), so the system one is never needed: this sentinel file (SLAPD_SENTINEL_FILE in
# /etc/default/slapd) keeps its init script from ever starting it, on this run or after a reboot.
disable_system_slapd() {
  [ -e /etc/ldap/noslapd ] || $sudo_cmd touch /etc/ldap/noslapd
}

if [ ${#missing[@]} -eq 0 ]; then
  disable_system_slapd
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
$sudo_cmd apt-get update -q
# Debian's mariadb-server and mosquitto packages try to start their services; there is no systemd here, and
# omnigate starts its own private servers, so policy-rc.d tells the maintainer scripts not to.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
  $sudo_cmd chmod +x "$policy"
  created_policy=1
fi
# slapd would otherwise build a database for this host's domain with an admin password it asks for; the private
# slapd of scripts/services.sh brings its own configuration.
echo 'slapd slapd/no_configuration boolean true' | $sudo_cmd debconf-set-selections
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
[ "$created_policy" -eq 1 ] && $sudo_cmd rm -f "$policy"
disable_system_slapd
echo "setup: done"
