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
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=sudo
else
  sudo_cmd=
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
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
[ "$created_policy" -eq 1 ] && $sudo_cmd rm -f "$policy"
echo "setup: done"
