"""The library: built-in data files synced idempotently, versions never edited."""
from __future__ import annotations

import json
import shutil

import pytest

from models.audit import verify_chain
from models.forms.definitions import DefinitionError, content_hash
from models.forms.library import BUILTIN_DIR, library_forms, package_forms, publish, retire_form, sync_builtin_forms
from models.forms.responses import response_for_staff, submit
from models.forms.assignments import send_forms
from models.errors import StateConflict
from models.tables import Form, FormPackage, FormVersion

from ..helpers import STAFF
from .helpers import answer_all, owner_with_library, send

BUILTIN_KEYS = {
    "phq9", "gad7", "consent_to_treatment", "privacy_notice_ack", "telehealth_consent",
    "release_of_information", "demographics",
}


def test_sync_loads_every_builtin_form_once(portal):
    first = sync_builtin_forms()
    assert {label.split()[0] for label in first.published} == BUILTIN_KEYS
    assert first.packages == ("new_client_intake",)
    again = sync_builtin_forms()
    assert again.published == () and again.packages == ()
    assert len(again.unchanged) == len(BUILTIN_KEYS)
    assert FormVersion.select().count() == len(BUILTIN_KEYS)
    assert package_forms("new_client_intake") == ["demographics", "consent_to_treatment", "privacy_notice_ack", "phq9", "gad7"]
    for version in FormVersion.select():
        assert version.content_hash == content_hash(version.definition)
    assert {line.key for line in library_forms()} == BUILTIN_KEYS


def test_a_changed_file_publishes_a_new_version_and_keeps_the_old(portal, tmp_path):
    folder = tmp_path / "builtin"
    shutil.copytree(BUILTIN_DIR, folder)
    sync_builtin_forms(folder)
    raw = json.loads((folder / "gad7.json").read_text())
    raw["fields"][0]["items"][3]["label"] = "Trouble relaxing, even at rest"
    (folder / "gad7.json").write_text(json.dumps(raw))
    report = sync_builtin_forms(folder)
    assert report.published == ("gad7 v2",)
    versions = list(FormVersion.select().join(Form).where(Form.key == "gad7").order_by(FormVersion.number))
    assert [v.number for v in versions] == [1, 2]
    assert "Trouble relaxing\"" in versions[0].definition and "even at rest" in versions[1].definition
    assert sync_builtin_forms(folder).published == ()  # whitespace and key order do not count either
    (folder / "gad7.json").write_text(json.dumps(raw, indent=8, sort_keys=True))
    assert sync_builtin_forms(folder).published == ()


def test_one_bad_file_stores_nothing(portal, tmp_path):
    folder = tmp_path / "builtin"
    shutil.copytree(BUILTIN_DIR, folder)
    (folder / "zz_broken.json").write_text('{"key": "zz", "title": "Broken", "fields": [{"id": "a", "kind": "nope"}]}')
    with pytest.raises(DefinitionError, match="zz_broken.json"):
        sync_builtin_forms(folder)
    (folder / "zz_broken.json").write_text("{not json")
    with pytest.raises(DefinitionError, match="cannot be read as JSON"):
        sync_builtin_forms(folder)
    assert Form.select().count() == 0 and FormPackage.select().count() == 0


def test_an_old_response_shows_its_own_version_after_an_edit(portal):
    client, viewer = owner_with_library()
    [first] = send(client.id, "gad7")
    answer_all(viewer, first, {f"gad7_{n}": 1 for n in range(1, 8)})
    old_id = submit(viewer, first)

    raw = json.loads((BUILTIN_DIR / "gad7.json").read_text())
    raw["title"] = "GAD-7 anxiety questionnaire"
    raw["fields"][0]["items"][0]["label"] = "Feeling nervous or on edge"
    v2 = publish(STAFF, raw)
    assert v2.number == 2
    [second] = send(client.id, "gad7")
    answer_all(viewer, second, {f"gad7_{n}": 2 for n in range(1, 8)})
    new_id = submit(viewer, second)

    old, new = response_for_staff(STAFF, old_id), response_for_staff(STAFF, new_id)
    assert (old.version, old.title, old.lines[0].label) == (1, "GAD-7 Generalized Anxiety Disorder scale", "Feeling nervous, anxious, or on edge")
    assert (new.version, new.title, new.lines[0].label) == (2, "GAD-7 anxiety questionnaire", "Feeling nervous or on edge")
    assert old.results.scores[0].value == 7 and new.results.scores[0].value == 14
    assert publish(STAFF, raw).id == v2.id  # the same content publishes nothing
    assert verify_chain().ok


def test_a_retired_form_is_not_sent(portal):
    client, _ = owner_with_library()
    retire_form(STAFF, "telehealth_consent")
    assert "telehealth_consent" not in {line.key for line in library_forms()}
    with pytest.raises(StateConflict, match="retired"):
        send_forms(STAFF, client.id, ["telehealth_consent"])
    with pytest.raises(StateConflict):
        retire_form(STAFF, "telehealth_consent")


def test_syncs_at_once_publish_each_form_once(portal):
    from ..test_concurrent_limits import burst

    results = burst(6, lambda i: sync_builtin_forms())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(len(r.published) for r in results) == len(BUILTIN_KEYS)
    assert FormVersion.select().count() == len(BUILTIN_KEYS) and FormPackage.select().count() == 1
