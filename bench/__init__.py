"""Benchmarks: `python -m bench` runs every module here and prints its table.

A bench module defines `run() -> Table`. Each row is one figure with its
value, the target and whether the target was met; `python -m bench` exits
non-zero when any target is missed.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None       # None: informational, no target

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("pass" if self.ok else "FAIL")


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, value: str, target: str = "", ok: bool | None = None) -> Row:
        row = Row(figure, value, target, ok)
        self.rows.append(row)
        return row

    @property
    def passed(self) -> bool:
        return all(row.ok is not False for row in self.rows)

    def format(self) -> str:
        header = ("figure", "value", "target", "result")
        cells = [header] + [(r.figure, r.value, r.target, r.verdict) for r in self.rows]
        widths = [max(len(c[i]) for c in cells) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        out = [self.title, line]
        for n, c in enumerate(cells):
            out.append("  ".join(c[i].ljust(widths[i]) for i in range(4)).rstrip())
            if n == 0:
                out.append(line)
        return "\n".join(out)
