#!/usr/bin/env python3
"""Writes the MQTT clients and roles the scripts provide into Mosquitto's dynamic-security file.

scripts/services.sh runs this while the broker is stopped, before every start, so a changed password in the
environment applies at once and no administrator account is needed: the broker only loads the file. Clients and
roles the daemon created at run time (signed-in users) are kept. The file is written as Mosquitto 2.0.11's
`mosquitto_ctrl dynsec init` writes it, with the same password hashing (PBKDF2-SHA512, 101 rounds, 12-byte salt).

Usage: mosquitto_dynsec.py FILE
Passwords come from the environment, never the command line (other local users can read that):
  OMNIGATE_MQTT_USER / OMNIGATE_MQTT_PASSWORD                    the daemon's own client
  OMNIGATE_MQTT_OBSERVER_USER / OMNIGATE_MQTT_OBSERVER_PASSWORD  a read-only observer (tests, people watching)
"""

import base64
import hashlib
import json
import os
import secrets
import sys

ITERATIONS = 101

# The daemon publishes every event and manages the other clients over the plugin's command topics. Subscribing and
# publishing are denied by default (defaultACLAccess below), so each role lists what it may do. Receiving is allowed
# by default, except for the plugin's answers: without publishClientReceive on $CONTROL/dynamic-security/# the
# broker drops them silently (checked on 2.0.11), as `mosquitto_ctrl dynsec init` gives its admin role.
ROLES = {
    "omnigate-daemon": [
        ("publishClientSend", "omnigate/v1/#"),
        ("subscribePattern", "omnigate/v1/#"),
        ("publishClientSend", "$CONTROL/dynamic-security/#"),
        ("publishClientReceive", "$CONTROL/dynamic-security/#"),
        ("subscribePattern", "$CONTROL/dynamic-security/#"),
    ],
    "omnigate-observer": [
        ("subscribePattern", "omnigate/v1/#"),
    ],
}

DEFAULT_ACL_ACCESS = {
    "publishClientSend": False,
    "publishClientReceive": True,
    "subscribe": False,
    "unsubscribe": True,
}


def fail(message):
    print(f"mosquitto_dynsec: {message}", file=sys.stderr)
    sys.exit(1)


def env(name):
    value = os.environ.get(name, "")
    if not value:
        fail(f"{name} is not set")
    return value


def hashed(password):
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS)
    return {
        "password": base64.b64encode(digest).decode(),
        "salt": base64.b64encode(salt).decode(),
        "iterations": ITERATIONS,
    }


def put(entries, key, name, entry):
    """Replaces the entry whose `key` is `name`, or appends it."""
    for i, existing in enumerate(entries):
        if existing.get(key) == name:
            entries[i] = entry
            return
    entries.append(entry)


def main():
    if len(sys.argv) != 2:
        fail("usage: mosquitto_dynsec.py FILE")
    path = sys.argv[1]
    config = {"clients": [], "groups": [], "roles": []}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                config = json.load(f)
        except (OSError, ValueError) as e:
            fail(f"cannot read {path}: {e}")

    for name, acls in ROLES.items():
        put(config.setdefault("roles", []), "rolename", name, {
            "rolename": name,
            "acls": [{"acltype": t, "topic": topic, "allow": True} for t, topic in acls],
        })
    clients = [
        (env("OMNIGATE_MQTT_USER"), env("OMNIGATE_MQTT_PASSWORD"), "omnigate-daemon", "omnigate daemon"),
        (env("OMNIGATE_MQTT_OBSERVER_USER"), env("OMNIGATE_MQTT_OBSERVER_PASSWORD"), "omnigate-observer",
         "read-only observer"),
    ]
    if clients[0][0] == clients[1][0]:
        fail("the daemon and the observer need different user names")
    for user, password, role, text in clients:
        put(config.setdefault("clients", []), "username", user,
            {"username": user, "textName": text, **hashed(password), "roles": [{"rolename": role}]})
    config["defaultACLAccess"] = DEFAULT_ACL_ACCESS

    # Written aside and renamed: a broker started next must never load half a file. Mode 600: password hashes.
    temporary = path + ".tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(config, f, indent="\t")
    os.replace(temporary, path)


if __name__ == "__main__":
    main()
