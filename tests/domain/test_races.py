"""Writers racing on one chart: a resend and a registration never both win."""
import threading

from models import chart_owner
from models.chart_owner import OwnerStatus
from models.db import database
from models.errors import StateConflict
from models.registration import RegistrationError, register
from models.tables import Invitation

from .helpers import GOOD_PASSWORD, STAFF, last_code, make_chart, make_staff


def _race(client, code):
    results = {}
    barrier = threading.Barrier(2)

    def do_register():
        with database.connection_context():
            barrier.wait()
            try:
                register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
                results["register"] = "won"
            except RegistrationError:
                results["register"] = "lost"

    def do_resend():
        with database.connection_context():
            barrier.wait()
            try:
                chart_owner.resend_invite(STAFF, client)
                results["resend"] = "won"
            except StateConflict:
                results["resend"] = "lost"

    threads = [threading.Thread(target=do_register), threading.Thread(target=do_resend)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_resend_and_registration_never_both_win(portal):
    make_staff()
    outcomes = set()
    for i in range(6):
        client = make_chart(first=f"Race{i}", email=f"race{i}@example.com")
        chart_owner.activate_access(STAFF, client)
        results = _race(client, last_code())
        outcomes.add(tuple(sorted(results.items())))
        assert sorted(results.values()) == ["lost", "won"], results
        state = chart_owner.owner_state(client)
        pending = Invitation.select().where(
            (Invitation.client == client) & Invitation.consumed_at.is_null() & Invitation.superseded_at.is_null()
        ).count()
        if results["register"] == "won":
            assert state.status is OwnerStatus.ACTIVE and pending == 0
        else:
            assert state.status is OwnerStatus.INVITED and pending == 1
