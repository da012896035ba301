#!/usr/bin/python3
# A real SMTP receiver for development and tests: accepts AUTH PLAIN/LOGIN on loopback and delivers every mail into
# the private Dovecot by IMAP APPEND to the recipient's INBOX (logging in through Dovecot's master user), so mail
# sent by omnigate can be fetched back by IMAP exactly as a client would read it. Started by scripts/services.sh.
# STARTTLS is offered (not required) with the certificate services.sh made for Dovecot.
# Recipients whose local part starts with "reject-" are refused with 550 and "defer-" with 451, so the permanent
# and temporary failures of omnigate's SMTP sender meet a real server's replies.
import argparse
import imaplib
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def load_users(path):
    users = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            name, secret = line.split(":", 1)
            secret = secret.split(":", 1)[0]
            if secret.startswith("{PLAIN}"):
                users[name.lower()] = secret[len("{PLAIN}"):]
    return users


class Authenticator:
    def __init__(self, users_file):
        self.users_file = users_file

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        users = load_users(self.users_file)  # re-read: tests may add users while the relay runs
        login = auth_data.login.decode("utf-8", "replace").lower()
        password = auth_data.password.decode("utf-8", "replace")
        # handled=False: aiosmtpd then answers 535 itself; its default (handled=True) would leave a refused client
        # waiting for an answer that never comes.
        return AuthResult(success=users.get(login) == password, handled=False)


class Handler:
    def __init__(self, args):
        self.args = args

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown in local recipient table" % address
        if local.startswith("defer-"):
            return "451 4.3.0 <%s>: Temporary lookup failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        for rcpt in envelope.rcpt_tos:
            try:
                imap = imaplib.IMAP4("127.0.0.1", self.args.imap_port)
                imap.login("%s*%s" % (rcpt.lower(), self.args.master_user), self.args.master_password)
                typ, detail = imap.append("INBOX", None, None, data)
                imap.logout()
                if typ != "OK":
                    return "451 4.3.0 delivery to %s failed: %s" % (rcpt, detail)
            except Exception as e:  # the mailbox store is down: the sender must retry
                return "451 4.3.0 delivery to %s failed: %s" % (rcpt, e)
        return "250 2.0.0 OK delivered"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--imap-port", type=int, required=True)
    p.add_argument("--users", required=True)
    p.add_argument("--master-user", required=True)
    p.add_argument("--master-password", required=True)
    p.add_argument("--tls-cert", help="offers STARTTLS with this certificate (and --tls-key)")
    p.add_argument("--tls-key")
    args = p.parse_args()
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    controller = Controller(Handler(args), hostname="127.0.0.1", port=args.port, authenticator=Authenticator(args.users),
                            auth_required=True, auth_require_tls=False, data_size_limit=64 * 1024 * 1024,
                            decode_data=False, server_hostname="omnigate-test-smtp", tls_context=tls,
                            require_starttls=False)
    controller.start()
    print("smtp_relay: listening on 127.0.0.1:%d, delivering to IMAP port %d" % (args.port, args.imap_port), flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
