"""Two laptops for the bundle tests: a sender with demo data and erased ops, and a
receiver that trusts it."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import cli_ok

from ceapp.store import open_store


def trusted_pair(sender: Path, receiver: Path, *, events: int) -> None:
    """Fill `sender` with `events` demo events, erase some details, and have `receiver` trust it.

    The erased ops (a group's contact replaced, an event with its register
    deleted) are in every bundle the sender makes, so the tests meet them.
    """
    receiver.parent.mkdir(exist_ok=True)
    cli_ok("--db", sender, "demo", "--events", str(events), "--until", "2026-01-31")
    group = json.loads(cli_ok("--db", sender, "groups", "list", "--json"))[0]["id"]
    cli_ok(
        "--db", sender, "groups", "edit", group, "--contact-consent", "yes", "--contact-name", "A"
    )
    cli_ok("--db", sender, "groups", "edit", group, "--contact-name", "Asha Begum")
    with open_store(str(sender)) as store:
        event = store.scalar("SELECT event_id FROM register_entries LIMIT 1")
    cli_ok("--db", sender, "events", "delete", event, "--yes")
    for db in (sender, receiver):
        cli_ok("--db", db, "sync", "id", "--out", f"{db}.pub")
    cli_ok("--db", receiver, "sync", "trust", f"{sender}.pub", "--name", "Laptop A")
