"""A real Dovecot IMAP server on loopback for the poller's tests (a throwaway config:
plaintext login, one passwd-file user, maildir in a temporary folder)."""

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
ssl = no
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
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass(frozen=True)
class Imap:
    host: str
    port: int
    user: str
    password: str


@contextmanager
def dovecot(port: int) -> Iterator[Imap]:
    """Dovecot in the foreground on 127.0.0.1:`port`, stopped and removed after."""
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
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, port=port, internal=internal, login=login, mail_user=mail_user,
    ))  # fmt: skip
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for(port, process, root)
        yield Imap(host="127.0.0.1", port=port, user=USER, password=PASSWORD)
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
