"""Run every bench module in this package and print their tables."""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import bench


def main(argv: list[str]) -> int:
    """Run the bench modules named in `argv` (default: all) and print their tables."""
    wanted = set(argv)
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )
    if wanted:
        names = [n for n in names if n in wanted]
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)
        if run is None:
            continue
        started = time.perf_counter()
        try:
            table = run()
        except Exception:  # one broken bench must not hide the others' tables
            traceback.print_exc()
            failed.append(name)
            continue
        print(table.format(), flush=True)
        print(f"({name}: {time.perf_counter() - started:.1f} s)\n")
        if not table.passed:
            failed.append(name)
    if failed:
        print("Missed targets in: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
