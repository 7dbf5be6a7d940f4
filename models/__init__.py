"""The portal's domain: tables and rules, no UI (see README "Layout")."""
from __future__ import annotations

import sys


class _PeeweeWithoutPsycopg:
    """An import finder for `peewee` alone: peewee imports psycopg whenever it
    is installed, but only a PostgreSQL practice needs it. peewee's own
    import runs with psycopg hidden, and `db.connect` hands it to peewee for
    a postgresql:// URL (`db._enable_psycopg`). Nothing else is hidden, and
    the finder steps aside once peewee loads.

    The one patch of peewee we keep, because it pays: psycopg's import is
    0.39 G instructions, 45% of a minimal Textual app's whole start, paid by
    every kiosk and staff start on SQLite (kiosk 1.82x the minimal app with
    it, 1.38x without; BENCHMARKS.md). psycopg is installed in every dev and
    test venv (the PostgreSQL tests need it) and on any machine that ever
    talks to PostgreSQL. tests/test_startup_imports.py fails without it.
    It is a finder rather than an import of peewee here, so that importing
    `models.config` does not import peewee: the apps open the database after
    their first frame, which then needs no database layer at all (with the
    open after it: staff -0.054 G, kiosk -0.047 G, 5-6 % of the minimal
    app; BENCHMARKS.md, "Start-up: the last 0.08 x").
    Upstream: peewee could import its drivers when a database of that kind
    is first created, as playhouse.db_url already does for its extensions.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "peewee":
            return None
        if "psycopg" in sys.modules:  # already loaded: peewee may as well use it
            sys.meta_path.remove(self)
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_without_psycopg(module) -> None:
            if self in sys.meta_path:
                sys.meta_path.remove(self)  # peewee is loading: nothing more to find
            sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` now fails fast
            try:
                exec_module(module)
            finally:
                del sys.modules["psycopg"]

        spec.loader.exec_module = exec_without_psycopg  # type: ignore[method-assign]  # this one import's loader
        return spec


if "peewee" not in sys.modules and "psycopg" not in sys.modules:
    sys.meta_path.insert(0, _PeeweeWithoutPsycopg())
