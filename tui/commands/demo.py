"""`portal demo seed` and `portal demo run`: the demo practice in its own data dir."""
from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

DEFAULT_DIR = Path("demo-data")
KEEP = {"ssh_host_ed25519_key", "ssh_host_ed25519_key.pub"}  # same fingerprint across demo runs


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = sub.add_parser("seed", help="create a fresh demo database and seed the demo practice")
    seed.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="demo data dir (default: ./demo-data)")
    seed.set_defaults(run=run_seed)
    run = sub.add_parser("run", help="seed, then run the local mail server and the SSH door")
    run.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="demo data dir (default: ./demo-data)")
    run.add_argument("--host", default="127.0.0.1", help="address the SSH door listens on")
    run.add_argument("--port", type=int, default=2222, help="SSH port (default 2222)")
    run.set_defaults(run=run_demo)


def fresh_demo_dir(path: Path) -> Path:
    """Empty the demo dir (never the real data dir), keeping the SSH host key."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    for child in path.iterdir():
        if child.name in KEEP:
            continue
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    os.chmod(path, 0o700)
    return path


def demo_env(data_dir: Path, ssh_port: int, extra: dict[str, str] | None = None) -> None:
    """Point this process, and every app the SSH door starts, at the demo."""
    os.environ.update(
        {
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_DEMO": "1",
            "PORTAL_SSH_PORT": str(ssh_port),
            **(extra or {}),
        }
    )
    os.environ.pop("PORTAL_DATABASE_URL", None)
    os.environ.pop("PORTAL_CONFIG", None)


def seed_into(data_dir: Path, host: str, port: int):
    from models.config import load_settings
    from models.seed import seed_demo
    from models.setup import open_portal

    open_portal(load_settings(config_path=Path("/nonexistent")))
    return seed_demo(portal_host=host, portal_port=port)


def print_seed_report(report, data_dir: Path) -> None:
    from models.seed import CLIENT_PASSWORD, STAFF_PASSWORD

    print(f"Demo practice seeded in {data_dir}")
    print(f"  {report.charts} charts: " + ", ".join(f"{n} {label}" for label, n in sorted(report.by_state.items())))
    print(f"  Staff logins (password: {STAFF_PASSWORD}): " + ", ".join(report.staff))
    print(f"  Client logins (password: {CLIENT_PASSWORD}):")
    for email, who in report.logins:
        print(f"    {email:32} {who}")


def run_seed(args: argparse.Namespace) -> int:
    data_dir = fresh_demo_dir(args.data_dir)
    demo_env(data_dir, 2222)
    print_seed_report(seed_into(data_dir, "127.0.0.1", 2222), data_dir)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from tui.demo_runner import run

    return run(args)
