"""The practice's form library: forms, their published versions, packages.

A version is published once and never edited; an edit publishes the next
version, and every response keeps pointing at the version it answered.
The built-in forms are data files in models/forms/builtin/; each is loaded
by `sync_builtin_forms`, which publishes a new version only when a file's
content changed, so running it again does nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import clock
from ..audit import SYSTEM, Actor, record
from ..db import database, lock_rows, serialize_appends
from ..errors import NotFound, StateConflict
from ..tables import Form, FormPackage, FormVersion, StaffUser
from ..text import clean_name
from .definitions import DefinitionError, canonical, content_hash, load_definition, parse_definition

BUILTIN_DIR = Path(__file__).with_name("builtin")
PUBLISH_LOCK = 0x666F726D  # advisory lock id: publishers take turns (two apps starting at once)


@dataclass(frozen=True)
class SyncReport:
    published: tuple[str, ...]     # "phq9 v2"
    unchanged: tuple[str, ...]
    packages: tuple[str, ...]      # packages created or changed


@dataclass(frozen=True)
class FormLine:
    """A form of the library, for lists (staff library, send a form)."""

    form_id: int
    key: str
    title: str
    kind: str
    version: int
    version_id: int
    source: str
    retired: bool


@dataclass(frozen=True)
class PackageLine:
    key: str
    title: str
    form_titles: tuple[str, ...]


def _staff(by: Actor) -> StaffUser | None:
    return StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None


def latest_version(form: Form | int) -> FormVersion | None:
    return FormVersion.select().where(FormVersion.form == form).order_by(FormVersion.number.desc()).first()


def publish(by: Actor, raw: dict[str, Any], *, source: str = "staff") -> FormVersion:
    """Publish `raw` as the next version of its form (creating the form); the
    latest version is returned unchanged when its content is the same."""
    definition = parse_definition(raw)  # DefinitionError says what to fix; nothing stored
    text = canonical(raw)
    digest = content_hash(text)
    now = clock.now()
    with database.atomic():
        serialize_appends(PUBLISH_LOCK)  # a form not yet created has no row to lock
        form = lock_rows(Form.select().where(Form.key == definition.key)).first()
        if form is None:
            form = Form.create(key=definition.key, title=definition.title, source=source, created_at=now)
        last = latest_version(form)
        if last is not None and last.content_hash == digest:
            return last
        version = FormVersion.create(
            form=form,
            number=(last.number + 1) if last else 1,
            definition=text,
            content_hash=digest,
            published_at=now,
            published_by=_staff(by),
        )
        if form.title != definition.title:
            Form.update(title=definition.title).where(Form.id == form.id).execute()
        record(by, "form.publish", detail=f"{definition.key} v{version.number}")
    return version


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read as JSON ({exc})") from None


def _sync_package(raw: Any, name: str) -> bool:
    if not isinstance(raw, dict) or set(raw) != {"key", "title", "forms"} or not isinstance(raw["forms"], list):
        raise DefinitionError(f"{name}: a package is {{\"key\", \"title\", \"forms\": [form keys]}}")
    keys = [str(k) for k in raw["forms"]]
    known = {f.key for f in Form.select(Form.key).where(Form.key.in_(keys))}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise DefinitionError(f"{name}: no form named {', '.join(unknown)}")
    title = clean_name(raw["title"], "title")
    stored = json.dumps(keys)
    package = FormPackage.get_or_none(FormPackage.key == raw["key"])
    if package is None:
        FormPackage.create(key=raw["key"], title=title, form_keys=stored, created_at=clock.now())
        return True
    if (package.title, package.form_keys) == (title, stored):
        return False
    FormPackage.update(title=title, form_keys=stored).where(FormPackage.id == package.id).execute()
    return True


def sync_builtin_forms(directory: Path = BUILTIN_DIR, by: Actor = SYSTEM) -> SyncReport:
    """Load every built-in form file; a changed file publishes its next version.

    All files are checked before anything is stored: one bad file stores nothing.
    """
    forms: list[dict] = []
    packages: list[tuple[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        raw = _read(path)
        if isinstance(raw, dict) and "package" in raw:
            packages.append((path.name, raw["package"]))
        else:
            try:
                parse_definition(raw)
            except DefinitionError as exc:
                raise DefinitionError(f"{path.name}: {exc.message}") from None
            forms.append(raw)
    published, unchanged, changed_packages = [], [], []
    with database.atomic():
        serialize_appends(PUBLISH_LOCK)
        for raw in forms:
            before = latest_version(Form.get_or_none(Form.key == raw["key"]) or 0)
            version = publish(by, raw, source="builtin")
            label = f"{raw['key']} v{version.number}"
            (unchanged if before is not None and before.id == version.id else published).append(label)
        for name, raw in packages:
            if _sync_package(raw, name):
                changed_packages.append(raw["key"])
    return SyncReport(tuple(published), tuple(unchanged), tuple(changed_packages))


def form_by_key(key: str) -> Form:
    form = Form.get_or_none(Form.key == key)
    if form is None:
        raise NotFound(f"There is no form {key!r} in the library; run `portal forms sync`.")
    return form


def retire_form(by: Actor, key: str) -> None:
    """A retired form can no longer be sent; what was sent and answered stays."""
    form = form_by_key(key)
    with database.atomic():
        if Form.update(retired_at=clock.now()).where((Form.id == form.id) & Form.retired_at.is_null()).execute() == 0:
            raise StateConflict("That form is already retired.")
        record(by, "form.retire", detail=key)


def library_forms(*, include_retired: bool = False) -> list[FormLine]:
    lines = []
    query = Form.select().order_by(Form.title)
    if not include_retired:
        query = query.where(Form.retired_at.is_null())
    for form in query:
        version = latest_version(form)
        if version is None:
            continue
        definition = load_definition(version.definition)
        lines.append(FormLine(form.id, form.key, form.title, definition.kind, version.number, version.id,
                              form.source, form.retired_at is not None))
    return lines


def package_forms(key: str) -> list[str]:
    package = FormPackage.get_or_none(FormPackage.key == key)
    if package is None:
        raise NotFound(f"There is no package {key!r}; run `portal forms sync`.")
    return json.loads(package.form_keys)


def packages() -> list[PackageLine]:
    titles = {f.key: f.title for f in Form.select(Form.key, Form.title)}
    return [
        PackageLine(p.key, p.title, tuple(titles.get(k, k) for k in json.loads(p.form_keys)))
        for p in FormPackage.select().order_by(FormPackage.title)
    ]
