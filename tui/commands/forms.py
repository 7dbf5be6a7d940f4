"""`portal forms sync`: load the built-in forms (models/forms/builtin/*.json)
into the library; a changed file publishes a new version, an unchanged one
does nothing. `portal forms due`: make the repeating forms that fell due
(for a periodic job, e.g. cron once an hour). `portal forms import FILE`:
publish a fillable PDF as a form (or a PDF without fields as an
information sheet), after showing what it becomes; a refused file says why."""
from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    sync = sub.add_parser("sync", help="load the built-in forms into the library (idempotent)")
    sync.set_defaults(run=run_sync)
    due = sub.add_parser("due", help="send the repeating forms that fell due, and email their owners")
    due.set_defaults(run=run_due)
    imp = sub.add_parser("import", help="publish a fillable PDF as a form of the library (shows its fields first)")
    imp.add_argument("file", metavar="FILE", help="the PDF file")
    imp.add_argument("--title", default="", help="the form's title (default: the PDF's own title or file name)")
    imp.set_defaults(run=run_import)


def run_sync(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.errors import DomainError
    from models.forms.library import sync_builtin_forms
    from models.setup import open_portal

    open_portal(load_settings())
    try:
        report = sync_builtin_forms()
    except DomainError as exc:
        print(f"Nothing was loaded: {exc.message}")
        return 1
    for label in report.published:
        print(f"Published {label}")
    for key in report.packages:
        print(f"Package {key} saved")
    print(f"{len(report.published)} published, {len(report.unchanged)} unchanged.")
    return 0


def run_due(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.forms.assignments import run_due_recurrences
    from models.setup import open_portal

    open_portal(load_settings())
    made = run_due_recurrences()
    print(f"{made} repeating form{'s' if made != 1 else ''} sent.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from models.audit import SYSTEM
    from models.config import load_settings
    from models.forms.pdf_forms import MAX_BYTES, PdfRefused, import_pdf, preview_pdf
    from models.setup import open_portal
    from models.text import single_line

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_BYTES:  # not read into memory at all
            print(f"Nothing was imported: {path.name} is over 20 MB; the portal takes PDF files up to 20 MB.")
            return 1
        data = path.read_bytes()
    except OSError as exc:
        print(f"Nothing was imported: cannot read {path} ({exc.strerror or exc}).")
        return 1
    try:
        preview = preview_pdf(data, filename=path.name)
    except PdfRefused as exc:
        print(f"Nothing was imported: {exc.message}")
        return 1
    title = single_line(args.title) or preview.title
    what = "an information sheet to read and sign" if preview.kind == "sheet" else f"a form of {len(preview.fields)} fields"
    print(f"{title}: {what}, {preview.pages} page{'s' if preview.pages != 1 else ''}, {preview.size_bytes:,} bytes")
    for line in preview.fields:
        choices = f" ({', '.join(line.choices)})" if line.choices else ""
        print(f"  {line.label} [{line.kind.replace('yes_no', 'yes/no').replace('_', ' ')}]{choices}")
    if preview.text_excerpt:
        print("  " + preview.text_excerpt.replace("\n", "\n  "))
    open_portal(load_settings())
    try:
        form = import_pdf(SYSTEM, data, title=title, filename=path.name)
    except PdfRefused as exc:
        print(f"Nothing was imported: {exc.message}")
        return 1
    print(f"Published {form.key} v{form.version}")
    return 0
