"""Settings: defaults, then a TOML file, then PORTAL_* environment variables.

The file is `$PORTAL_CONFIG`, or `portal.toml` in the platform config dir.
Every key of the file can be overridden by `PORTAL_<SECTION>_<KEY>` (upper
case), e.g. `PORTAL_SMTP_HOST`; top-level keys as `PORTAL_<KEY>`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

import platformdirs

APP_NAME = "client-portal-kiosk"

# Each default is defined here once; settings, screens and rules read it from here.
INVITE_VALID_DAYS = 7                 # an invitation code's window
KIOSK_IDLE_SECONDS = 120              # the kiosk logs out after this long without input ...
KIOSK_WARNING_SECONDS = 30            # ... after a countdown this long
KIOSK_SESSION_POLL_SECONDS = 2.0      # how soon an open kiosk notices a revoke or log-out elsewhere
STAFF_SESSION_POLL_SECONDS = 5.0      # the same for a staff session
OWNER_BOX_REFRESH_SECONDS = 3.0       # the Chart Owner box re-reads what changes on its own (mail, expiry)
WORK_QUEUE_REFRESH_SECONDS = 10.0     # the client list's work queue count, and the queue itself, read again
MAILBOX_POLL_SECONDS = 1.0            # the demo mailbox looks for new messages
SSH_IDLE_SECONDS = 15 * 60
SSH_MAX_SESSION_SECONDS = 8 * 60 * 60


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""                 # empty: no mail server configured
    port: int = 587
    security: str = "starttls"     # "starttls", "ssl" or "none"
    user: str = ""                 # empty: no login
    password: str = ""             # prefer PORTAL_SMTP_PASSWORD or the keyring
    sender: str = ""               # defaults to the practice's address
    timeout: int = 10

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = ""         # empty: sqlite file in data_dir
    invite_valid_days: int = INVITE_VALID_DAYS
    time_zone: str = "America/New_York"
    kiosk_idle_seconds: int = KIOSK_IDLE_SECONDS
    kiosk_warning_seconds: int = KIOSK_WARNING_SECONDS
    ssh_host: str = "127.0.0.1"
    ssh_port: int = 2222
    ssh_public_host: str = ""      # what emails tell clients to ssh to
    ssh_max_sessions: int = 50
    ssh_max_sessions_per_address: int = 4     # app sessions at once from one address (IPv6: /64)
    ssh_max_connections_per_address: int = 4  # SSH connections at once from one address
    ssh_idle_seconds: int = SSH_IDLE_SECONDS
    ssh_max_session_seconds: int = SSH_MAX_SESSION_SECONDS
    ssh_staff_keys: str = ""       # authorized_keys file; empty: staff open
    web_host: str = "127.0.0.1"    # where `portal web` (the browser door) listens
    web_port: int = 8080
    web_public_url: str = ""       # what emails link to, e.g. https://portal.example (empty: http://web_host:web_port)
    web_trust_proxy: bool = False  # behind a reverse proxy: the client's address is its X-Forwarded-For
    demo: bool = False
    import_folder: str = ""        # the staff workstation loads documents only from here; empty: off
    staff_two_factor: str = "remote"  # "remote": staff over SSH or the web need a code; "always"; "off"
    export_folder: str = ""        # the staff workstation writes exported responses (PDF) only here; empty: off
    smtp: SmtpSettings = field(default_factory=SmtpSettings)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'portal.db'}"

    @property
    def web_url(self) -> str:
        """The browser door's public address, without a trailing slash."""
        return (self.web_public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    @property
    def secret_path(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def maildir(self) -> Path:
        return self.data_dir / "maildir"


def web_url(settings: Settings | None) -> str:
    """The browser door's address for emails (the settings the portal was
    opened with; the defaults before that)."""
    if settings is None:
        return f"http://{Settings.web_host}:{Settings.web_port}"
    return settings.web_url


def current_web_url() -> str:
    """`web_url` of the settings this process opened the portal with."""
    from .setup import current_settings  # setup imports this module

    return web_url(current_settings())


def default_config_path(env: Mapping[str, str]) -> Path:
    if env.get("PORTAL_CONFIG"):
        return Path(env["PORTAL_CONFIG"])
    return Path(platformdirs.user_config_dir(APP_NAME)) / "portal.toml"


def _coerce(kind: Any, raw: Any) -> Any:
    if isinstance(raw, str):
        if kind in (bool, "bool"):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind in (int, "int"):
            return int(raw)
        if kind in (Path, "Path"):
            return Path(raw).expanduser()
    if kind in (Path, "Path"):
        return Path(raw)
    return raw


def _merge(cls: type, base: Any, file_values: Mapping[str, Any], env: Mapping[str, str], prefix: str) -> Any:
    changes: dict[str, Any] = {}
    for f in fields(cls):
        if f.name == "smtp":
            continue
        value = file_values.get(f.name)
        env_value = env.get(f"{prefix}{f.name.upper()}")
        if env_value is not None:
            value = env_value
        if value is not None:
            changes[f.name] = _coerce(f.type, value)
    return replace(base, **changes)


def load_settings(env: Mapping[str, str] | None = None, config_path: Path | None = None) -> Settings:
    env = os.environ if env is None else env
    path = config_path or default_config_path(env)
    data: dict[str, Any] = {}
    if path.is_file():
        import tomllib  # only with a config file: start-up without one skips it

        data = tomllib.loads(path.read_text(encoding="utf-8"))
    base = Settings(data_dir=Path(platformdirs.user_data_dir(APP_NAME)))
    settings = _merge(Settings, base, data, env, "PORTAL_")
    smtp = _merge(SmtpSettings, SmtpSettings(), data.get("smtp", {}), env, "PORTAL_SMTP_")
    return replace(settings, smtp=smtp)
