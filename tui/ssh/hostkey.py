"""The door's persistent ed25519 host key (created once, mode 0600)."""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import asyncssh

from models.file_modes import make_private_dirs

log = logging.getLogger("portal.ssh")

HOST_KEY_NAME = "ssh_host_ed25519_key"


def host_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / HOST_KEY_NAME


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """Read the host key at `path`, creating it on first use.

    Creation is atomic (written to a private temp file, then hard-linked into
    place), so two servers starting at once agree on one key and a crash never
    leaves half a key behind.
    """
    path = Path(path)
    make_private_dirs(path.parent)
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("host key %s had mode %o; setting 0600", path, mode)
        os.chmod(path, 0o600)
    return asyncssh.read_private_key(str(path))


def _create(path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="client-portal-kiosk ssh door")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(key.export_private_key("openssh"))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return  # another server won the race; use its key
    finally:
        tmp.unlink(missing_ok=True)
    pub = path.with_name(path.name + ".pub")
    pub.write_bytes(key.export_public_key("openssh"))
    log.info("created SSH host key %s (%s)", path, key.get_fingerprint("sha256"))


def fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")
