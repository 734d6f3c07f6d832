"""Right to erasure: once a person's details are erased they are gone from every file.

Erasing means clearing a group contact's details (consent withdrawn),
deleting a register entry, or deleting an event with its register. The
test searches the raw bytes of the database, its -wal and -shm files and a
backup made afterwards for each erased value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from factories import make_event

from ceapp import attendance, changes, events, groups, integrity
from ceapp.fingerprint import fingerprint
from ceapp.log_encoding import decoded_ops
from ceapp.schema import spec_for
from ceapp.store import open_store
from ceapp.sync import exchange, identity, trust

CONTACT = {
    "contact_name": "Zainab Okonkwo-Erased",
    "contact_email": "zainab.erased@example.org",
    "contact_phone": "07700 900461",
}
REGISTER_NAMES = ["Bartholomew Erased-One", "Philippa Erased-Two"]
REGISTER_CONTACT = "philippa.erased@example.org"
KEPT_NAME = "Kept Person-Three"


def _raw_bytes(paths: list[str]) -> bytes:
    return b"".join(Path(name).read_bytes() for name in paths if os.path.exists(name))


def _all_files(path: str) -> list[str]:
    return [path, f"{path}-wal", f"{path}-shm"]


def _erased_values() -> list[str]:
    return [*CONTACT.values(), *REGISTER_NAMES, REGISTER_CONTACT]


@pytest.fixture
def populated(tmp_path):
    path = str(tmp_path / "forum.db")
    store = open_store(path)
    group = groups.add_group(
        store, name="Shadwell Women's Group", group_type="women", contact_consent=True, **CONTACT
    )
    forum = make_event(store, title="Shadwell forum")
    other = make_event(store, title="Wapping forum")
    for name in REGISTER_NAMES:
        attendance.add_register_entry(
            store,
            event_id=forum,
            name=name,
            contact=REGISTER_CONTACT if name.endswith("Two") else None,
            consent=True,
            consent_recorded_by="Door volunteer",
        )
    attendance.add_register_entry(
        store, event_id=other, name=KEPT_NAME, consent=True, consent_recorded_by="Volunteer"
    )
    # Everything has reached the main file too, as it would after a while.
    store.checkpoint()
    for value in _erased_values():
        assert value.encode() in _raw_bytes(_all_files(path))
    yield store, path, group, forum
    store.close()


def _erase(store, group: str, forum: str) -> None:
    groups.edit_group(
        store,
        group,
        contact_name=None,
        contact_email=None,
        contact_phone=None,
        contact_consent=False,
    )
    events.delete_event(store, forum)


def test_erased_details_are_gone_from_every_file(populated, tmp_path):
    store, path, group, forum = populated
    _erase(store, group, forum)
    # While the store is still open: database, -wal and -shm as they stand.
    data = _raw_bytes(_all_files(path))
    backup = store.save_copy(tmp_path / "after.db")
    backup_data = Path(backup).read_bytes()
    for value in _erased_values():
        assert value.encode() not in data, value
        assert value.encode() not in backup_data, value
    # What was not erased is still there.
    assert KEPT_NAME.encode() in data
    assert KEPT_NAME.encode() in backup_data
    store.close()
    closed = _raw_bytes(_all_files(path))
    for value in _erased_values():
        assert value.encode() not in closed, value


def test_erasure_is_in_the_log_and_replays_to_the_same_records(populated):
    store, _path, group, forum = populated
    _erase(store, group, forum)
    assert integrity.check(store) == []
    redacted = [op for op in decoded_ops(store) if op["redacted"]]
    tables = {row["tbl"] for row in redacted}
    assert tables == {"community_groups", "register_entries"}
    for row in redacted:
        if row["kind"] == "create":
            value = json.loads(row["value"])
            personal = spec_for(row["tbl"]).personal
            assert all(value[name] is None for name in personal)
    # The group is still there, without contact details.
    record = changes.read(store, "community_groups", group)
    assert record["contact_name"] is None
    assert record["name"] == "Shadwell Women's Group"


def test_a_corrected_phone_number_does_not_keep_the_old_one(populated):
    store, path, group, _forum = populated
    groups.edit_group(store, group, contact_phone="07700 900999")
    store.close()
    data = _raw_bytes(_all_files(path))
    assert b"07700 900461" not in data
    assert b"07700 900999" in data


def test_a_laptop_that_gets_the_erasure_erases_too(populated, tmp_path):
    """Redaction travels: a laptop holding the old ops erases when the bundle arrives.

    A copy made before the erasure imports a bundle made after it. Its log
    ends up exactly like ours: nothing of the erased values is left in it.
    """
    store, _path, group, forum = populated
    before = store.save_copy(tmp_path / "other.db")
    _erase(store, group, forum)
    ours = decoded_ops(store)
    bundle = str(tmp_path / "after.zip")
    exchange.export_bundle(store, bundle)
    other = open_store(before)
    try:
        trust.trust(
            other, name="Office", public_key_hex=identity.device_identity(store).public_key_hex
        )
        summary = exchange.import_bundles(other, [bundle]).summary
        assert summary.erasures > 0
        assert decoded_ops(other) == ours
        assert fingerprint(other) == fingerprint(store)
    finally:
        other.close()
    data = _raw_bytes(_all_files(before))
    for value in _erased_values():
        assert value.encode() not in data, value
