"""`portal db copy`: an SQLite practice moved into PostgreSQL, verified."""
import pytest

from models import db
from models.seed import seed_demo
from models.tables import ALL_TABLES, AuditEvent, Client
from models.transfer import copy_database
from tests.pg import drop_schema, fresh_schema


@pytest.fixture
def database_url():
    return ""  # the source is SQLite


def test_copy_sqlite_practice_into_postgresql(portal):
    seed_demo()
    source = db.database.obj
    counts = {m: m.select().count() for m in ALL_TABLES}
    url = fresh_schema("portal_copy_test")
    try:
        report = copy_database(source, url)
        assert report.counts == {m._meta.table_name: n for m, n in counts.items()}
        assert report.audit_events == counts[AuditEvent]
        # The copy is usable: new rows get fresh ids, the chain keeps verifying.
        from models.charts import create_chart
        from tests.domain.helpers import STAFF

        new = create_chart(STAFF, first_name="After", last_name="Copy", date_of_birth="01/01/2000")
        assert new.id > max(c.id for c in Client.select().where(Client.id != new.id))
        from models.audit import verify_chain

        assert verify_chain().ok
        db.database.obj.close()
    finally:
        drop_schema("portal_copy_test")
