"""The layers hold by test, not by goodwill (contracts in pyproject.toml).

- models/ imports no UI (textual, rich, tui), not even through another module;
- tui/ imports neither peewee nor playhouse nor models.tables/models.db: what
  crosses the line is ids and frozen view objects, and database connections
  are opened inside models/ (models.threads);
- the SSH door imports none of the apps' screens or CSS machinery: it starts
  apps, by name.
"""
from __future__ import annotations

from importlinter.cli import lint_imports


def test_the_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename="pyproject.toml", no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
