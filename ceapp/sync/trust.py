"""Devices this laptop accepts bundles from, by name and public key.

Kept in the local table trusted_devices: whom a laptop trusts is its own
configuration and never travels in a bundle.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ceapp.errors import NotFoundError, ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.sync.identity import fingerprint_words, recorded_public_key

MAX_NAME = 100


def _clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationError("name", _('Give the device a name with --name, e.g. "Laptop 3".'))
    if len(cleaned) > MAX_NAME:
        raise ValidationError(
            "name",
            _("The device name is too long; keep it under {limit} characters.").format(
                limit=MAX_NAME
            ),
        )
    if not cleaned.isprintable():
        raise ValidationError(
            "name", _("The device name holds control characters; type it as plain text.")
        )
    return cleaned


def trust(store: Store, *, name: str | None, public_key_hex: str) -> dict:
    """Record a trusted device; refuses a name or key already trusted, and our own key."""
    name = _clean_name(name)
    if public_key_hex == recorded_public_key(store):
        raise ValidationError(
            "keyfile",
            _("That is this laptop's own key; trust the key of the other laptop instead."),
        )
    for row in store.query(
        "SELECT name, public_key FROM trusted_devices WHERE name = ? OR public_key = ?",
        (name, public_key_hex),
    ):
        if row["public_key"] == public_key_hex:
            raise ValidationError(
                "keyfile",
                _('That key is already trusted, as "{name}".').format(name=row["name"]),
            )
        raise ValidationError(
            "name",
            _(
                'A device called "{name}" is already trusted; choose another name, '
                "or untrust it first."
            ).format(name=name),
        )
    row = {
        "name": name,
        "public_key": public_key_hex,
        "trusted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with store.transaction():
        store.conn.execute(
            "INSERT INTO trusted_devices (name, public_key, trusted_at) VALUES (?, ?, ?)",
            (row["name"], row["public_key"], row["trusted_at"]),
        )
    return row


def devices(store: Store) -> list[dict]:
    """Trusted devices by name, each with its fingerprint."""
    rows = store.query(
        "SELECT name, public_key, trusted_at FROM trusted_devices ORDER BY name COLLATE NOCASE"
    )
    for row in rows:
        row["fingerprint"] = fingerprint_words(row["public_key"])
    return rows


def untrust(store: Store, name: str | None) -> None:
    cleaned = " ".join((name or "").split())
    # A name that could not have been trusted is not looked up (SQLite
    # cannot even take text that is not valid Unicode).
    found = cleaned.isprintable() and store.scalar(
        "SELECT 1 FROM trusted_devices WHERE name = ?", (cleaned,)
    )
    if not found:
        raise NotFoundError(
            _('No trusted device is called "{name}"; `ceapp sync devices` lists them.').format(
                name=name
            )
        )
    with store.transaction():
        store.conn.execute("DELETE FROM trusted_devices WHERE name = ?", (cleaned,))


def trusted_name(store: Store, public_key_hex: str) -> str | None:
    """The name a trusted device was given, or None for an unknown signer."""
    return store.scalar("SELECT name FROM trusted_devices WHERE public_key = ?", (public_key_hex,))
