"""The sync commands as a person uses them: what they print, and what Cancel keeps."""

from __future__ import annotations

import uuid

import pytest
from cli_run import run_cli as _cli
from factories import event_fields

from ceapp import events, monitoring
from ceapp.errors import ImportCancelledError
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store
from ceapp.sync import exchange, identity, trust


@pytest.fixture
def pair(tmp_path):
    """Two laptops that trust each other, the office holding demo data."""
    office, laptop = str(tmp_path / "office.db"), str(tmp_path / "laptop.db")
    assert _cli("--db", office, "demo", "--events", "6")[0] == 0
    assert _cli("--db", laptop, "init")[0] == 0
    for one, other, name in ((office, laptop, "Laptop 2"), (laptop, office, "Office")):
        key = tmp_path / f"{name}.pub"
        assert _cli("--db", other, "sync", "id", "--out", key)[0] == 0
        assert _cli("--db", one, "sync", "trust", key, "--name", name)[0] == 0
    return office, laptop


def test_an_unencrypted_bundle_with_slips_says_how_to_carry_it(pair, tmp_path):
    office, _laptop = pair
    code, out, _err = _cli("--db", office, "sync", "export", "--out", tmp_path / "plain.zip")
    assert code == 0
    assert "not encrypted and holds equality monitoring answers" in out
    code, out, _err = _cli(
        "--db", office, "sync", "export", "--out", tmp_path / "sealed.zip",
        "--encrypt-to", "Laptop 2",
    )  # fmt: skip
    assert code == 0
    assert "encrypted for Laptop 2" in out and "not encrypted" not in out


def test_a_conflict_is_listed_by_what_people_call_the_record(pair, tmp_path):
    office, laptop = pair
    first = tmp_path / "first.zip"
    _cli("--db", office, "sync", "export", "--out", first, "--to", "Laptop 2")
    assert _cli("--db", laptop, "sync", "import", first)[0] == 0
    with open_store(office) as store:
        event = events.list_events(store)[0]
        events.edit_event(store, event["id"], venue="Library")
    with open_store(laptop) as store:
        events.edit_event(store, event["id"], venue="Mosque hall")
    for sender, receiver, to, name in (
        (office, laptop, "Laptop 2", "a.zip"),
        (laptop, office, "Office", "b.zip"),
    ):
        _cli("--db", sender, "sync", "export", "--out", tmp_path / name, "--to", to)
        code, out, _err = _cli("--db", receiver, "sync", "import", tmp_path / name)
        assert code == 0 and "New conflicts: 1." in out
    listings = [_cli("--db", path, "sync", "conflicts", "list")[1] for path in (office, laptop)]
    for listing in listings:
        assert f"Event “{event['title']}”" in listing
        assert "Venue" in listing and "Library" in listing and "Mosque hall" in listing
    conflict_id = listings[0].splitlines()[2].split()[0]
    assert conflict_id in listings[1]
    code, out, _err = _cli(
        "--db", office, "sync", "conflicts", "resolve", conflict_id, "--keep", "other"
    )
    assert code == 0
    assert _cli("--db", office, "sync", "conflicts", "list")[1].strip() == "No conflicts."


def test_cancel_keeps_nothing(tmp_path):
    office = open_store(str(tmp_path / "office.db"))
    laptop = open_store(str(tmp_path / "laptop.db"))
    try:
        events.add_event(office, **event_fields(title="Forum"))
        trust.trust(
            laptop, name="Office", public_key_hex=identity.device_identity(office).public_key_hex
        )
        bundle = str(tmp_path / "b.zip")
        exchange.export_bundle(office, bundle)
        before = fingerprint(laptop)
        with pytest.raises(ImportCancelledError, match="nothing was imported"):
            exchange.import_bundles(laptop, [bundle], cancelled=lambda: True)
        assert fingerprint(laptop) == before
        assert laptop.scalar("SELECT count(*) FROM changes") == 0
        # Not remembered as imported either: the next try reads and merges it.
        exchange.import_bundles(laptop, [bundle])
        assert fingerprint(laptop) == fingerprint(office)
    finally:
        office.close()
        laptop.close()


def test_a_bundle_made_for_another_laptop_that_would_leave_a_gap_is_refused(tmp_path):
    """C takes a bundle B made for A; it lacks what A had, so it would never get it."""
    paths = {name: str(tmp_path / f"{name}.db") for name in "ABC"}
    assert _cli("--db", paths["B"], "demo", "--events", "3")[0] == 0
    for name in "AC":
        assert _cli("--db", paths[name], "init")[0] == 0
    for one in "ABC":
        for other in "ABC":
            if one != other:
                key = tmp_path / f"{other}.pub"
                if not key.exists():
                    _cli("--db", paths[other], "sync", "id", "--out", key)
                _cli("--db", paths[one], "sync", "trust", key, "--name", other)
    # A has B's records, and tells B so in a bundle of its own.
    _cli("--db", paths["B"], "sync", "export", "--out", tmp_path / "b1.zip", "--to", "A")
    assert _cli("--db", paths["A"], "sync", "import", tmp_path / "b1.zip")[0] == 0
    _cli("--db", paths["A"], "sync", "export", "--out", tmp_path / "a1.zip", "--to", "B")
    assert _cli("--db", paths["B"], "sync", "import", tmp_path / "a1.zip")[0] == 0
    with open_store(paths["B"]) as store:
        events.add_event(store, **event_fields(title="Late forum"))
    _cli("--db", paths["B"], "sync", "export", "--out", tmp_path / "b2.zip", "--to", "A")
    with open_store(paths["C"]) as store:
        before = fingerprint(store)
    code, out, err = _cli("--db", paths["C"], "sync", "import", tmp_path / "b2.zip")
    assert code == 2 and out == ""
    assert "made for another laptop" in err and "bundle of everything" in err
    with open_store(paths["C"]) as store:
        assert fingerprint(store) == before
    # Everything, from B, is fine, and so is the one made for A, on A.
    _cli("--db", paths["B"], "sync", "export", "--out", tmp_path / "all.zip")
    assert _cli("--db", paths["C"], "sync", "import", tmp_path / "all.zip")[0] == 0
    assert _cli("--db", paths["A"], "sync", "import", tmp_path / "b2.zip")[0] == 0
    prints = set()
    for name in "ABC":
        with open_store(paths[name]) as store:
            prints.add(fingerprint(store))
    assert len(prints) == 1


def test_imported_slips_never_stay_in_the_wal(tmp_path):
    office = open_store(str(tmp_path / "office.db"))
    laptop = open_store(str(tmp_path / "laptop.db"))
    try:
        event_id = events.add_event(office, **event_fields(title="Forum"))
        slips = [
            monitoring.add_response(office, event_id=event_id, answers={"age_band": band})
            for band in ("16_24", "25_34", "35_44", "45_54")
        ]
        trust.trust(
            laptop, name="Office", public_key_hex=identity.device_identity(office).public_key_hex
        )
        bundle = str(tmp_path / "b.zip")
        exchange.export_bundle(office, bundle)
        exchange.import_bundles(laptop, [bundle])
        wal = tmp_path / "laptop.db-wal"
        data = wal.read_bytes() if wal.exists() else b""
        for slip in slips:
            assert slip.encode() not in data
            assert uuid.UUID(slip).bytes not in data
        assert laptop.scalar("SELECT count(*) FROM monitoring_responses") == len(slips)
    finally:
        office.close()
        laptop.close()
