"""This installation's device identity: an Ed25519 key pair beside the database.

The private key lives in `<db>.key` (owner-only, PEM PKCS8, encrypted with
the database passphrase when the database is encrypted). The database
records the public half and where it was when the key was made, so a file
that turns up without its key, or in another place, is recognised as a copy
and given a node id and key of its own before it writes (see `renew_if_copied`):
two laptops sharing one node id would make their changes indistinguishable.

Keys are made on first need (`device_identity`), never by opening a file:
most databases, and every one the tests make, never need one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.store_files import MEMORY, PRIVATE_FILE_MODE, create_private_file

KEY_SUFFIX = ".key"
META_PUBLIC_KEY = "device_public_key"
# Where the database file was when its key was made: a copy elsewhere is not this device.
META_KEY_HOME = "device_key_home"
PUBLIC_KEY_BYTES = 32
# A public key file is a few lines; never read more than this from one.
MAX_KEY_FILE_BYTES = 4096


@dataclass(frozen=True)
class Identity:
    public_key_hex: str
    fingerprint_words: str


def key_path(store: Store) -> str | None:
    """The private key file beside the database; None for an in-memory database."""
    return None if store.path == MEMORY else store.path + KEY_SUFFIX


def fingerprint_words(public_key_hex: str) -> str:
    """Four groups of four hex digits: short enough to read aloud and compare."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]
    return " ".join(digest[index : index + 4] for index in range(0, 16, 4))


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def recorded_public_key(store: Store) -> str | None:
    """The public key the database records as its own, without making one."""
    return store.scalar("SELECT value FROM meta WHERE key = ?", (META_PUBLIC_KEY,))


def _home(store: Store) -> str:
    return os.path.realpath(store.path)


def _load_private_key(store: Store) -> Ed25519PrivateKey | None:
    """The key in `<db>.key`, or None when it is missing or unreadable with our passphrase."""
    path = key_path(store)
    if path is None:
        return getattr(store, "_device_key", None)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES)
    except OSError:
        return None
    passphrase = store.passphrase
    try:
        key = serialization.load_pem_private_key(
            data, password=passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # Damaged, another kind of key, or locked with another passphrase:
        # not this database's key.
        return None
    return key if isinstance(key, Ed25519PrivateKey) else None


def _write_private_key(store: Store, key: Ed25519PrivateKey) -> None:
    path = key_path(store)
    if path is None:
        store._device_key = key
        return
    passphrase = store.passphrase
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    # Written aside and renamed over, so a kill leaves the old key or the new
    # one, never half of either.
    temporary = f"{path}.{secrets.token_hex(4)}.tmp"
    create_private_file(temporary)
    try:
        with open(temporary, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    store._device_key = key


def _new_key(store: Store, *, node: str | None = None) -> str:
    """Make and save a key pair; record its public half (and a new node id). Returns it as hex.

    Call inside a transaction, which holds the write lock, so two processes
    never both make a key for one file. The key file is written before the
    commit: a kill in between leaves a file whose recorded key does not
    match, which the next opening renews again.
    """
    store.require_transaction()
    key = Ed25519PrivateKey.generate()
    _write_private_key(store, key)
    public = public_hex(key.public_key())
    store._set_meta(META_PUBLIC_KEY, public)
    if store.path != MEMORY:
        store._set_meta(META_KEY_HOME, _home(store))
    if node is not None:
        store._set_meta("node_id", node)
    return public


def device_identity(store: Store) -> Identity:
    """This installation's public key and fingerprint, making the key pair on first use."""
    public = recorded_public_key(store)
    if public is None:
        with store.transaction():
            # Looked at again with the lock held: another process may just have made it.
            public = recorded_public_key(store) or _new_key(store)
    return Identity(public_key_hex=public, fingerprint_words=fingerprint_words(public))


def private_key(store: Store) -> Ed25519PrivateKey:
    """The key that signs what this installation sends."""
    device_identity(store)
    key = _load_private_key(store)
    if key is None or public_hex(key.public_key()) != recorded_public_key(store):
        # The file went away or changed while the database was open.
        renew_if_copied(store)
        key = _load_private_key(store)
    assert key is not None
    return key


def is_copy(store: Store) -> bool:
    """True when the database records a key but is not where, or with the key, it was made."""
    recorded = recorded_public_key(store)
    if recorded is None or store.path == MEMORY:
        return False
    home = store.scalar("SELECT value FROM meta WHERE key = ?", (META_KEY_HOME,))
    if home != _home(store):
        return True
    key = _load_private_key(store)
    return key is None or public_hex(key.public_key()) != recorded


def renew_if_copied(store: Store) -> bool:
    """Give a copied database its own node id and key pair, before it writes anything else.

    Returns True when it did. The old key file beside a copy is the original
    laptop's key: it is replaced, not kept, so this file can never sign as it.
    """
    if not is_copy(store):
        return False
    with store.transaction():
        # Looked at again with the lock held: another process opening the same
        # copy may have renewed it already, and then its node is ours too.
        if not is_copy(store):
            store.node = store.clock.node = store._meta("node_id")
            return False
        node = secrets.token_hex(8)
        _new_key(store, node=node)
    store.node = store.clock.node = node
    store.node_was_renewed = True
    return True


def parse_public_key(text: bytes, *, source: str) -> str:
    """A public key file's key as hex: PEM, or the 64 hex digits `sync id` prints."""
    try:
        stripped = text.decode("ascii").strip()
    except UnicodeDecodeError:
        stripped = None
    if stripped is not None and len(stripped) == 2 * PUBLIC_KEY_BYTES:
        try:
            raw = bytes.fromhex(stripped)
            Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            pass
        else:
            return raw.hex()
    try:
        key = serialization.load_pem_public_key(text)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise ValidationError(
            "keyfile",
            _(
                "{path} does not hold a device's public key; ask for the file that "
                "`ceapp sync id --out FILE` writes on that laptop."
            ).format(path=source),
        )
    return public_hex(key)


def public_key_pem(public_key_hex: str) -> bytes:
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
