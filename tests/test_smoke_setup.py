from models.practice import get_practice
from models.tables import ALL_TABLES


def test_open_portal_creates_schema_and_key(portal):
    assert get_practice().name
    for table in ALL_TABLES:
        assert table.table_exists()
    assert (portal.data_dir / "secret.key").stat().st_mode & 0o777 == 0o600
