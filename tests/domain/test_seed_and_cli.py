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
    from models.audit_anchor import check
    from models.tables import AuditEvent

    assert verify_chain().ok and check().ok
    times = [e.at for e in AuditEvent.select(AuditEvent.at).order_by(AuditEvent.id)]
    assert times == sorted(times)  # the trail screen lists by id: the story reads in time order


def test_seed_has_forms_to_show(portal):
    """Jordan Avery's intake forms went with the invitation; Riley Brooks has six
    months of PHQ-9 and GAD-7, an acknowledged alert, an open one, and a PHQ-9 due."""
    import json

    from models.forms.alerts import alert_queue
    from models.forms.responses import chart_forms, score_trend
    from models.tables import OutboxMessage

    seed_demo()
    jordan = Client.get(Client.last_name == "Avery")
    riley = Client.get(Client.last_name == "Brooks")
    assert len([f for f in chart_forms(jordan.id) if f.state == "to_do"]) == 5
    invitation = OutboxMessage.select().where((OutboxMessage.client == jordan) & (OutboxMessage.kind == "invitation")).get()
    assert json.loads(invitation.context)["forms_waiting"] is True
    phq9 = score_trend(riley.id, "phq9")
    assert len(phq9) == 13 and phq9[0].value > phq9[-1].value and len(score_trend(riley.id, "gad7")) == 13
    alerts = [a for a in alert_queue() if a.chart_id == riley.id]
    assert sorted(a.open for a in alerts) == [False, True]
    assert [f.title for f in chart_forms(riley.id) if f.state == "to_do"] == ["PHQ-9 Patient Health Questionnaire"]
    from models.forms.library import library_forms

    assert "pdf" in {line.source for line in library_forms()}    # the sample fillable PDF


def test_cli_db_upgrade_and_audit_verify(tmp_path):
    env = {"PORTAL_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin", "PORTAL_CONFIG": str(tmp_path / "none.toml")}
    up = subprocess.run([sys.executable, "-m", "tui", "db", "upgrade"], env=env, capture_output=True, text=True)
    assert up.returncode == 0, up.stderr
    assert "0001_initial" in up.stdout
    assert "Built-in forms: 7 published" in up.stdout  # a fresh install has the library
    again = subprocess.run([sys.executable, "-m", "tui", "db", "upgrade"], env=env, capture_output=True, text=True)
    assert "up to date" in again.stdout and "0 published, 7 unchanged" in again.stdout
    verify = subprocess.run([sys.executable, "-m", "tui", "audit", "verify"], env=env, capture_output=True, text=True)
    assert verify.returncode == 0 and "intact" in verify.stdout
    helped = subprocess.run([sys.executable, "-m", "tui", "audit", "--help"], env=env, capture_output=True, text=True)
    assert helped.returncode == 0 and "verify" in helped.stdout


def test_cli_manages_staff_when_no_admin_can_sign_in(tmp_path):
    env = {"PORTAL_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin", "PORTAL_CONFIG": str(tmp_path / "none.toml")}

    def portal(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui", "staff", *args], env=env, capture_output=True, text=True)

    from models.auth import add_staff_user
    from models.config import Settings
    from models.setup import open_portal

    open_portal(Settings(data_dir=tmp_path / "d"))
    add_staff_user("ada", "Ada Admin", "admin", "a long staff passphrase here")
    add_staff_user("dana", "Dana Desk", "front_desk", "a long staff passphrase here")

    demote = portal("role", "ada", "front_desk")
    assert demote.returncode == 1 and "last active administrator" in demote.stderr
    reset = portal("reset", "dana")
    assert reset.returncode == 0 and "Temporary password for Dana Desk: " in reset.stdout
    listed = portal("list").stdout
    assert "temporary password" in listed and "Administrator" in listed
    assert portal("deactivate", "dana").returncode == 0
    assert "deactivated" in portal("list").stdout
    assert portal("unlock", "nobody").returncode == 1
    # An email on file (risk alerts on their charts go there): set, refused when not an address, cleared.
    assert portal("email", "ada", "ada@clinic.example").stdout == "Ada Admin's email is ada@clinic.example.\n"
    assert "ada@clinic.example" in portal("list").stdout
    bad = portal("email", "ada", "ada at clinic")
    assert bad.returncode == 1 and "does not look like an email address" in bad.stderr and "Nothing was changed" in bad.stderr
    assert portal("email", "ada", "--clear").stdout == "Ada Admin has no email on file now.\n"
    assert portal("email", "ada").returncode == 2            # an address or --clear, never a silent clear
