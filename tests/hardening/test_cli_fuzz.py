"""Property tests over the CLI inputs: `portal staff add` and `portal kiosk --code`."""
from __future__ import annotations

import asyncio
import getpass

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.tables import StaffUser
from models.text import has_control
from tests.hardening.test_bad_input import NASTY

CLI = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ARG = st.one_of(NASTY, st.text(min_size=1, max_size=80)).filter(lambda s: "\x00" not in s)


def test_staff_add_answers_every_input(portal, monkeypatch, capsys):
    from tui.cli import main

    monkeypatch.setenv("PORTAL_DATA_DIR", str(portal.data_dir))
    monkeypatch.setenv("PORTAL_CONFIG", str(portal.data_dir / "none.toml"))

    @CLI
    @given(username=ARG, full_name=ARG, password=ARG)
    def run(username, full_name, password):
        monkeypatch.setattr(getpass, "getpass", lambda prompt="": password)
        before = StaffUser.select().count()
        # "--opt=value": a value starting with "-" is a value, not another option
        code = main(["staff", "add", f"--username={username}", f"--full-name={full_name}", "--role", "front_desk"])
        out, err = capsys.readouterr()
        assert code in (0, 1)
        if code == 1:
            assert "Nothing was added" in err and StaffUser.select().count() == before
        else:
            staff = StaffUser.get(StaffUser.username == username.strip().lower())
            assert not has_control(staff.full_name)
        assert "\x1b" not in out + err  # nothing typed is echoed back raw

    run()


@pytest.mark.parametrize("code", ["[bold]x[/bold]", "\x1b[2JABCD", "--help", "A" * 40, "名前-🙂", "' OR 1=1 --"])
def test_kiosk_code_option_answers_every_input(portal, code):
    from tests.kiosk.helpers import kiosk, note

    async def scenario():
        app = kiosk(portal, code=code)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.is_running
            assert "can't be used" in note(app, "code-error") or "Type the code" in note(app, "code-error")
            assert "\x1b" not in app.export_screenshot()

    asyncio.run(scenario())
