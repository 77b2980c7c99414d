"""A real Dovecot IMAP server on loopback for the poller's tests (a throwaway config:
one passwd-file user, maildir in a temporary folder). It listens twice: plain IMAP
(which also offers STARTTLS) and IMAP over TLS, with a certificate for 127.0.0.1 made
for the run; `Imap.ca_file` is that certificate, for clients to trust."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "desk", "s3cret-imap"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass(frozen=True)
class Imap:
    host: str
    port: int  # plain IMAP, STARTTLS offered
    user: str
    password: str
    tls_port: int  # IMAP over TLS
    ca_file: str  # the server's self-signed certificate


def certificate(root: Path) -> None:
    """A self-signed certificate for 127.0.0.1 (cert.pem) and its key (key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (root / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (root / "key.pem").chmod(0o600)


@contextmanager
def dovecot(port: int, tls_port: int) -> Iterator[Imap]:
    """Dovecot in the foreground on 127.0.0.1:`port` (plain, STARTTLS) and `tls_port`
    (TLS), stopped and removed after."""
    root = Path(tempfile.mkdtemp(prefix="pdimap", dir="/tmp"))  # short: socket paths
    root.chmod(0o755)
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    as_root = os.geteuid() == 0
    me = pwd.getpwuid(os.geteuid()).pw_name
    internal, login = ("dovecot", "dovenull") if as_root else (me, me)
    mail_user = "dovecot" if as_root else me
    shutil.chown(root / "mail", user=mail_user, group=mail_user)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    certificate(root)
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            port=port,
            tls_port=tls_port,
            internal=internal,
            login=login,
            mail_user=mail_user,
        )
    )
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process, root)
        yield Imap(
            host="127.0.0.1",
            port=port,
            user=USER,
            password=PASSWORD,
            tls_port=tls_port,
            ca_file=str(root / "cert.pem"),
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"dovecot exited: {stderr}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not start within 15 s")
