"""Importing an uploaded fillable PDF: a 60-field form, checked, parsed and published.

Each run imports the PDF as a new form (its own title) into a fresh portal on
SQLite: the size and header checks, pypdf's parse, the walk for active
content, the fields read, the trial fill that proves a submit can write the
copy, and the publish with the original bytes stored. The filled, flattened
copy a submit makes is timed on its own (informational).

`python -m bench pdf_import` runs it alone.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench import Table
from bench.startup_baseline import fmt_ms, percentile

RUNS = 12
FIELDS = 60


def _specs():
    from models.forms.samples.acroform import FieldSpec

    kinds = ("text", "multiline", "checkbox", "radio", "combo", "list", "multilist")
    options = ("Never", "Sometimes", "Often", "Always")
    return [
        FieldSpec(f"q{n}_{kinds[n % len(kinds)]}", kinds[n % len(kinds)], f"Question {n}", f"Question {n}",
                  options if kinds[n % len(kinds)] in ("radio", "combo", "list", "multilist") else ())
        for n in range(FIELDS)
    ]


def run() -> Table:
    from models.audit import SYSTEM
    from models.config import Settings
    from models.forms.pdf_forms import _field_map, _parse, fill_pdf, import_pdf, preview_pdf
    from models.forms.samples.acroform import fillable_pdf
    from models.setup import open_portal

    table = Table(f"Uploaded PDF forms: a {FIELDS}-field fillable PDF")
    data = fillable_pdf(_specs(), title="Benchmark form")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        open_portal(Settings(data_dir=Path(tmp) / "data"))
        import_pdf(SYSTEM, data, title="Warm-up")  # imports pypdf, fills the caches a running app has
        imports, previews, fills = [], [], []
        for n in range(RUNS):
            started = time.perf_counter()
            preview_pdf(data, filename="bench.pdf")
            previews.append(time.perf_counter() - started)
            started = time.perf_counter()
            line = import_pdf(SYSTEM, data, title=f"Benchmark form {n}", filename="bench.pdf")
            imports.append(time.perf_counter() - started)
            assert line.version == 1
        parsed = _parse(data, "bench.pdf")
        answers = {f.id: "An answer" for f in parsed.fields if f.kind in ("short_text", "long_text")}
        for _ in range(RUNS):
            started = time.perf_counter()
            fill_pdf(data, _field_map(parsed), answers)
            fills.append(time.perf_counter() - started)
        from models.db import database

        database.obj.close()
    p95 = percentile(imports, 95)
    table.add(f"import (check, parse, publish), p95 of {RUNS}; median {fmt_ms(statistics.median(imports))}",
              fmt_ms(p95), "<= 1000 ms", p95 <= 1.0)
    table.add("preview (checks and fields, nothing stored), p95", fmt_ms(percentile(previews, 95)))
    table.add("filled flattened copy at submit, p95", fmt_ms(percentile(fills, 95)))
    table.add("PDF size", f"{len(data):,} bytes")
    return table
