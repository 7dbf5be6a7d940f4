"""The layers hold by test, not by goodwill (contracts in pyproject.toml).

- models/ imports no UI (textual, rich, tui), not even through another module;
- tui/ imports neither peewee nor playhouse nor models.tables/models.db: what
  crosses the line is ids and frozen view objects, and database connections
  are opened inside models/ (models.threads);
- the doors (tui/ssh, tui/web) stand on their own: they start apps by name
  and import no app, no app start-up (tui.cli, tui.startup, tui.commands,
  tui.shared), no Textual or Rich and no CSS machinery (tui.textual_patches).
"""
from __future__ import annotations

from importlinter.cli import lint_imports


def test_the_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename="pyproject.toml", no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
