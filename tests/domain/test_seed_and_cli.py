"""The demo seed covers every Chart Owner state; the CLI's plain commands work."""
import subprocess
import sys

from models.seed import seed_demo
from models.tables import Client


def test_seed_covers_every_state(portal):
    report = seed_demo()
    assert set(report.by_state) == {"No Portal Access", "Invited", "Expired", "Active"}
    assert report.charts == Client.select().count() >= 30
    from models.audit import verify_chain

    assert verify_chain().ok


def test_cli_db_upgrade_and_audit_verify(tmp_path):
    env = {"PORTAL_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin", "PORTAL_CONFIG": str(tmp_path / "none.toml")}
    up = subprocess.run([sys.executable, "-m", "tui", "db", "upgrade"], env=env, capture_output=True, text=True)
    assert up.returncode == 0, up.stderr
    assert "0001_initial" in up.stdout
    again = subprocess.run([sys.executable, "-m", "tui", "db", "upgrade"], env=env, capture_output=True, text=True)
    assert "up to date" in again.stdout
    verify = subprocess.run([sys.executable, "-m", "tui", "audit", "verify"], env=env, capture_output=True, text=True)
    assert verify.returncode == 0 and "intact" in verify.stdout
    helped = subprocess.run([sys.executable, "-m", "tui", "audit", "--help"], env=env, capture_output=True, text=True)
    assert helped.returncode == 0 and "verify" in helped.stdout
