"""What a person is told when a sign-in is refused (issue 16, defect 6).

The message stays one and the same for an unknown email, a wrong
password, a locked login and revoked access (it must not tell a stranger
which accounts exist, or which are locked), so it names every case that
is possible: a revoked client was told only to "check your email and
password", and a locked administrator to "ask an administrator".
"""
from __future__ import annotations

from models import auth
from models.chart_owner import revoke_access

from .helpers import PASSWORD, STAFF, kiosk, log_in, note, registered_chart


async def test_a_revoked_client_is_told_access_may_have_ended(portal):
    client, email = registered_chart()
    revoke_access(STAFF, client)
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email, PASSWORD)
        shown = note(app, "error")
        assert shown == auth.LOGIN_FAILED
        assert "access may have ended" in shown and "paused for 15 minutes" in shown


def test_a_locked_staff_user_is_not_sent_to_ask_themselves():
    assert "paused for 15 minutes" in auth.STAFF_LOGIN_FAILED
    assert "another administrator" in auth.STAFF_LOGIN_FAILED
