"""Several laptops edit at once and swap bundles in any order: they all end alike.

Hypothesis drives 3 to 5 laptops through random creates, edits, deletes,
attendance taps, slips and erasures, with bundles delivered late, twice or
never. Then everyone swaps everything. A model kept beside the laptops knows
which edits each laptop had seen when it made its own, so it can say which
edits were concurrent: each such pair must leave exactly one conflict, on
every laptop alike, and no tap may be lost.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from factories import event_fields
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ceapp import attendance, changes, events, integrity, monitoring
from ceapp.errors import BundleRefusedError
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store
from ceapp.sync import conflicts, exchange, identity, trust

EXAMPLES = int(os.environ.get("CEAPP_SYNC_EXAMPLES", "60"))
EDITABLE = ("title", "venue")


@dataclass
class Laptop:
    name: str
    store: object
    known_edits: set = field(default_factory=set)
    known_taps: set = field(default_factory=set)


@dataclass
class Model:
    # (event index, field) -> list of (edit id, edits it replaced)
    edits: dict = field(default_factory=dict)
    taps: dict = field(default_factory=dict)  # tap id -> (event index, delta)
    deleted: set = field(default_factory=set)
    erased_names: set = field(default_factory=set)


actions = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "create",
                "edit",
                "edit",
                "edit",
                "tap",
                "tap",
                "slip",
                "delete",
                "group",
                "erase",
                "resolve",
                "send",
                "send",
                "send",
                "deliver",
                "deliver",
                "deliver",
            ]
        ),
        st.integers(0, 4),
        st.integers(0, 4),
        st.integers(0, 50),
    ),
    min_size=5,
    max_size=40,
)


def _laptops(folder: Path, count: int) -> list[Laptop]:
    laptops = []
    for index in range(count):
        store = open_store(str(folder / f"laptop{index}.db"))
        identity.device_identity(store)
        laptops.append(Laptop(name=f"Laptop {index}", store=store))
    for one, other in itertools.permutations(laptops, 2):
        trust.trust(
            one.store,
            name=other.name,
            public_key_hex=identity.device_identity(other.store).public_key_hex,
        )
    return laptops


def _event_ids(laptop: Laptop) -> list[str]:
    return [row["id"] for row in laptop.store.query("SELECT id FROM events ORDER BY id")]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(count=st.integers(3, 5), steps=actions)
def test_laptops_converge_whatever_the_order(tmp_path_factory, count, steps):
    folder = tmp_path_factory.mktemp("team")
    laptops = _laptops(folder, count)
    model = Model()
    in_flight: list[tuple[int, str, frozenset, frozenset]] = []
    serial = itertools.count()
    try:
        # One forum every laptop starts with, so that edits meet often.
        events.add_event(laptops[0].store, **event_fields(title="Shared forum"))
        for other in laptops[1:]:
            path = str(folder / f"start{other.name}.zip")
            exchange.export_bundle(laptops[0].store, path, to=other.name)
            exchange.import_bundles(other.store, [path])
        for action, who, whom, number in steps:
            laptop = laptops[who % count]
            ids = _event_ids(laptop)
            if action == "create" or (not ids and action in ("edit", "tap", "slip", "delete")):
                events.add_event(laptop.store, **event_fields(title=f"Forum {next(serial)}"))
            elif action == "edit":
                event_id = ids[number % len(ids)]
                name = EDITABLE[number % 2]
                value = f"{name} {next(serial)}"
                before = {
                    edit
                    for edit, _replaced in model.edits.get((event_id, name), [])
                    if edit in laptop.known_edits
                }
                events.edit_event(laptop.store, event_id, **{name: value})
                edit = (event_id, name, next(serial))
                model.edits.setdefault((event_id, name), []).append((edit, before))
                laptop.known_edits.add(edit)
            elif action == "resolve":
                found = conflicts.list_conflicts(laptop.store)
                if found:
                    conflict = found[number % len(found)]
                    key = (conflict.row_id, conflict.field)
                    # Resolving replaces every edit of the field this laptop has seen.
                    before = {
                        edit for edit, _replaced in model.edits[key] if edit in laptop.known_edits
                    }
                    conflicts.resolve(laptop.store, conflict.id, keep="other")
                    edit = (*key, next(serial))
                    model.edits[key].append((edit, before))
                    laptop.known_edits.add(edit)
            elif action == "tap":
                event_id = ids[number % len(ids)]
                current = attendance.role_total(laptop.store, event_id=event_id, role="resident")
                delta = -1 if number % 5 == 0 and current > 0 else 1
                tap = attendance.add_count(
                    laptop.store, event_id=event_id, role="resident", count=delta
                )
                model.taps[tap] = (event_id, delta)
                laptop.known_taps.add(tap)
            elif action == "slip":
                monitoring.add_response(
                    laptop.store, event_id=ids[number % len(ids)], answers={"age_band": "25_34"}
                )
            elif action == "delete":
                event_id = ids[number % len(ids)]
                events.delete_event(laptop.store, event_id)
                model.deleted.add(event_id)
            elif action == "group":
                with laptop.store.transaction():
                    changes.create(
                        laptop.store,
                        "community_groups",
                        {
                            "name": f"Group {next(serial)}",
                            "group_type": "faith",
                            "communities": [],
                            "area_id": None,
                            "languages": [],
                            "contact_name": f"Contactperson{next(serial)}x",
                            "contact_email": None,
                            "contact_phone": None,
                            "contact_consent": 1,
                            "notes": None,
                        },
                    )
            elif action == "erase":
                rows = laptop.store.query(
                    "SELECT id, contact_name FROM community_groups"
                    " WHERE contact_name IS NOT NULL ORDER BY id"
                )
                if rows:
                    row = rows[number % len(rows)]
                    with laptop.store.transaction():
                        changes.update(
                            laptop.store,
                            "community_groups",
                            row["id"],
                            {"contact_name": None, "contact_consent": 0},
                        )
                    model.erased_names.add(row["contact_name"])
            elif action == "send":
                target = laptops[whom % count]
                if target is laptop:
                    continue
                path = str(folder / f"bundle{next(serial)}.zip")
                exchange.export_bundle(laptop.store, path, to=target.name)
                in_flight.append(
                    (
                        whom % count,
                        path,
                        frozenset(laptop.known_edits),
                        frozenset(laptop.known_taps),
                    )
                )
            elif action == "deliver" and in_flight:
                # Any bundle, perhaps again, perhaps never (a lost memory stick),
                # and sometimes to a laptop it was not made for.
                target_index, path, edits_known, taps_known = in_flight[number % len(in_flight)]
                target = laptops[target_index if number % 3 else who % count]
                try:
                    exchange.import_bundles(target.store, [path])
                except BundleRefusedError as refused:
                    # Only a bundle that would leave this laptop a gap is refused.
                    assert "made for another laptop" in str(refused)
                    assert target is not laptops[target_index]
                    continue
                target.known_edits |= edits_known
                target.known_taps |= taps_known
        # Then everyone swaps everything, twice round so relays arrive too.
        for _round in range(2):
            for sender, receiver in itertools.permutations(laptops, 2):
                path = str(folder / f"bundle{next(serial)}.zip")
                exchange.export_bundle(sender.store, path, to=receiver.name)
                exchange.import_bundles(receiver.store, [path])
        prints = {fingerprint(laptop.store) for laptop in laptops}
        assert len(prints) == 1, "laptops that hold the same changes differ"
        for laptop in laptops:
            assert integrity.check(laptop.store) == [], laptop.name
        event(f"deliveries before the final swap: {min(sum(a == 'deliver' for a, *_ in steps), 5)}")
        _assert_conflicts(laptops, model)
        _assert_taps(laptops, model)
        _assert_erased(laptops, model)
    finally:
        for laptop in laptops:
            laptop.store.close()


def _assert_conflicts(laptops: list[Laptop], model: Model) -> None:
    expected = {}
    for (event_id, name), edits in model.edits.items():
        replaced = set().union(*(before for _edit, before in edits))
        heads = [edit for edit, _before in edits if edit not in replaced]
        if event_id not in model.deleted and len(heads) > 1:
            expected[(event_id, name)] = len(heads) - 1
    event(f"fields with conflicts: {min(len(expected), 3)}")
    for laptop in laptops:
        found = {}
        for conflict in conflicts.list_conflicts(laptop.store):
            key = (conflict.row_id, conflict.field)
            found[key] = found.get(key, 0) + 1
        assert found == expected, laptop.name


def _assert_taps(laptops: list[Laptop], model: Model) -> None:
    totals = {}
    for event_id, delta in model.taps.values():
        if event_id not in model.deleted:
            totals[event_id] = totals.get(event_id, 0) + delta
    for laptop in laptops:
        rows = laptop.store.query(
            "SELECT event_id, sum(delta) AS total FROM attendance GROUP BY event_id"
        )
        assert {row["event_id"]: row["total"] for row in rows} == totals, laptop.name


def _assert_erased(laptops: list[Laptop], model: Model) -> None:
    for laptop in laptops:
        for name in model.erased_names:
            held = laptop.store.scalar(
                "SELECT count(*) FROM changes WHERE instr(value, ?) > 0", (name,)
            )
            assert held == 0, f"{laptop.name} still holds an erased contact in its log"


def test_a_concurrent_edit_is_one_conflict_that_resolves_everywhere(tmp_path):
    laptops = _laptops(tmp_path, 2)
    one, other = laptops
    try:
        event_id = events.add_event(one.store, **event_fields(title="Forum"))
        first = str(tmp_path / "first.zip")
        exchange.export_bundle(one.store, first, to=other.name)
        exchange.import_bundles(other.store, [first])
        events.edit_event(one.store, event_id, title="Forum at the library")
        events.edit_event(other.store, event_id, title="Forum at the mosque")
        for sender, receiver, name in ((one, other, "a.zip"), (other, one, "b.zip")):
            path = str(tmp_path / name)
            exchange.export_bundle(sender.store, path, to=receiver.name)
            summary = exchange.import_bundles(receiver.store, [path]).summary
            assert summary.conflicts == 1
        seen = [conflicts.list_conflicts(laptop.store) for laptop in laptops]
        assert seen[0] == seen[1] and len(seen[0]) == 1
        conflict = seen[0][0]
        assert {conflict.current_value, conflict.other_value} == {
            "Forum at the library",
            "Forum at the mosque",
        }
        conflicts.resolve(one.store, conflict.id, keep="other")
        assert events.get_event(one.store, event_id)["title"] == conflict.other_value
        assert conflicts.list_conflicts(one.store) == []
        path = str(tmp_path / "settled.zip")
        exchange.export_bundle(one.store, path, to=other.name)
        exchange.import_bundles(other.store, [path])
        assert conflicts.list_conflicts(other.store) == []
        assert events.get_event(other.store, event_id)["title"] == conflict.other_value
        assert fingerprint(one.store) == fingerprint(other.store)
    finally:
        for laptop in laptops:
            laptop.store.close()


def test_an_edit_never_brings_back_a_deleted_record(tmp_path):
    laptops = _laptops(tmp_path, 2)
    one, other = laptops
    try:
        event_id = events.add_event(one.store, **event_fields(title="Forum"))
        attendance.add_count(one.store, event_id=event_id, role="resident", count=3)
        path = str(tmp_path / "first.zip")
        exchange.export_bundle(one.store, path)
        exchange.import_bundles(other.store, [path])
        events.delete_event(one.store, event_id)
        events.edit_event(other.store, event_id, title="Renamed")
        attendance.add_count(other.store, event_id=event_id, role="resident", count=2)
        for sender, receiver, name in ((one, other, "a.zip"), (other, one, "b.zip")):
            path = str(tmp_path / name)
            exchange.export_bundle(sender.store, path, to=receiver.name)
            summary = exchange.import_bundles(receiver.store, [path]).summary
        assert summary.edits_to_deleted == 1
        for laptop in laptops:
            assert laptop.store.scalar("SELECT count(*) FROM events") == 0
            assert laptop.store.scalar("SELECT count(*) FROM attendance") == 0
        assert fingerprint(one.store) == fingerprint(other.store)
    finally:
        for laptop in laptops:
            laptop.store.close()
