"""Device identity and trust: the key beside the database, copies re-keyed, trusted devices."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from cli_run import run_cli as _cli
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from factories import make_area

from ceapp.log_encoding import decoded_ops
from ceapp.store import open_store
from ceapp.sync import identity

PASSPHRASE = "river otter lantern"


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _node(path, passphrase=None) -> str:
    with open_store(str(path), passphrase=passphrase) as store:
        return store.node


def test_the_key_is_made_on_first_need_only(db_path):
    with open_store(db_path) as store:
        make_area(store)
    assert not os.path.exists(db_path + ".key")
    with open_store(db_path) as store:
        me = identity.device_identity(store)
    key = Path(db_path + ".key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pem = key.read_bytes()
    assert b"BEGIN PRIVATE KEY" in pem and b"ENCRYPTED" not in pem
    loaded = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(loaded, Ed25519PrivateKey)
    assert identity.public_hex(loaded.public_key()) == me.public_key_hex


def test_the_key_is_encrypted_with_an_encrypted_database(tmp_path):
    path = str(tmp_path / "secret.db")
    with open_store(path, passphrase=PASSPHRASE) as store:
        me = identity.device_identity(store)
    pem = Path(path + ".key").read_bytes()
    assert b"ENCRYPTED" in pem
    assert stat.S_IMODE(os.stat(path + ".key").st_mode) == 0o600
    loaded = serialization.load_pem_private_key(pem, password=PASSPHRASE.encode())
    assert identity.public_hex(loaded.public_key()) == me.public_key_hex
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(pem, password=None)
    with open_store(path, passphrase=PASSPHRASE) as store:
        assert not store.node_was_renewed
        assert identity.device_identity(store) == me


def test_the_fingerprint_is_stable_and_readable(db_path):
    with open_store(db_path) as store:
        first = identity.device_identity(store)
        node = store.node
    with open_store(db_path) as store:
        assert identity.device_identity(store) == first
        assert store.node == node and not store.node_was_renewed
    groups = first.fingerprint_words.split(" ")
    assert len(groups) == 4 and all(len(group) == 4 for group in groups)
    digest = hashlib.sha256(bytes.fromhex(first.public_key_hex)).hexdigest()
    assert "".join(groups) == digest[:16]


def test_sync_id_out_writes_a_loadable_public_key_and_never_overwrites(tmp_path):
    db = tmp_path / "a.db"
    out = tmp_path / "a.pub"
    code, printed, err = _cli("--db", db, "sync", "id", "--out", out)
    assert code == 0, err
    key = serialization.load_pem_public_key(out.read_bytes())
    assert isinstance(key, Ed25519PublicKey)
    assert identity.public_hex(key) in printed
    assert identity.fingerprint_words(identity.public_hex(key)) in printed
    before = out.read_bytes()
    code, _printed, err = _cli("--db", db, "sync", "id", "--out", out)
    assert code == 2 and "already exists" in err
    assert out.read_bytes() == before


def test_a_refused_out_file_changes_nothing(tmp_path):
    db = tmp_path / "a.db"
    assert _cli("--db", db, "init")[0] == 0
    before = _sha256(db)
    code, _out, err = _cli("--db", db, "sync", "id", "--out", tmp_path)
    assert code == 2 and "folder" in err
    assert _sha256(db) == before and not Path(f"{db}.key").exists()


def test_trust_devices_untrust_round_trip(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert _cli("--db", a, "sync", "id", "--out", tmp_path / "a.pub")[0] == 0
    code, printed, err = _cli("--db", b, "sync", "trust", tmp_path / "a.pub", "--name", "Laptop 1")
    assert code == 0, err
    code, printed, err = _cli("--db", b, "sync", "devices", "--json")
    assert code == 0, err
    with open_store(str(a)) as store:
        me = identity.device_identity(store)
    rows = json.loads(printed)
    assert [(row["name"], row["public_key"], row["fingerprint"]) for row in rows] == [
        ("Laptop 1", me.public_key_hex, me.fingerprint_words)
    ]
    code, printed, err = _cli("--db", b, "sync", "devices")
    assert code == 0 and "Laptop 1" in printed and me.fingerprint_words in printed
    # The 64 hex digits `sync id` prints are a key file too.
    (tmp_path / "a.txt").write_text(me.public_key_hex + "\n")
    code, _out, err = _cli("--db", b, "sync", "trust", tmp_path / "a.txt", "--name", "Other")
    assert code == 2 and "already trusted" in err
    code, _out, err = _cli("--db", b, "sync", "untrust", "Laptop 1")
    assert code == 0, err
    assert json.loads(_cli("--db", b, "sync", "devices", "--json")[1]) == []
    code, _out, err = _cli("--db", b, "sync", "untrust", "Laptop 1")
    assert code == 2 and "sync devices" in err


def test_a_name_used_twice_and_our_own_key_are_refused(tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    for db in (a, c):
        assert _cli("--db", db, "sync", "id", "--out", f"{db}.pub")[0] == 0
    assert _cli("--db", b, "sync", "trust", f"{a}.pub", "--name", "Laptop 1")[0] == 0
    before = _sha256(b)
    code, _out, err = _cli("--db", b, "sync", "trust", f"{c}.pub", "--name", "Laptop 1")
    assert code == 2 and "already trusted" in err
    assert _sha256(b) == before
    before = _sha256(a)
    code, _out, err = _cli("--db", a, "sync", "trust", f"{a}.pub", "--name", "Me")
    assert code == 2 and "own key" in err
    assert _sha256(a) == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a key",
        b"\x00\xff" * 100,
        b"ab" * 31,
        b"zz" * 32,
        b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        # A private key is not something to hand out, nor what trust takes.
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    ],
)
def test_a_file_that_is_not_a_public_key_is_refused_unchanged(tmp_path, content):
    db = tmp_path / "b.db"
    assert _cli("--db", db, "init")[0] == 0
    keyfile = tmp_path / "key.pub"
    keyfile.write_bytes(content)
    before = _sha256(db)
    code, _out, err = _cli("--db", db, "sync", "trust", keyfile, "--name", "Laptop 1")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "public key" in err
    assert _sha256(db) == before


def test_another_kind_of_public_key_is_refused(tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    db = tmp_path / "b.db"
    assert _cli("--db", db, "init")[0] == 0
    keyfile = tmp_path / "ec.pub"
    keyfile.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    before = _sha256(db)
    code, _out, err = _cli("--db", db, "sync", "trust", keyfile, "--name", "Laptop 1")
    assert code == 2 and "public key" in err
    assert _sha256(db) == before


def test_a_missing_key_file_is_refused(tmp_path):
    db = tmp_path / "b.db"
    code, _out, err = _cli("--db", db, "sync", "trust", tmp_path / "nowhere.pub", "--name", "X")
    assert code == 2 and "Cannot read" in err


@pytest.mark.parametrize("with_key", [False, True])
@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_a_copied_database_gets_its_own_node_before_its_first_write(tmp_path, with_key, passphrase):
    original = tmp_path / "first" / "ceapp.db"
    original.parent.mkdir()
    with open_store(str(original), passphrase=passphrase) as store:
        make_area(store)
        me = identity.device_identity(store)
        node = store.node
    copy = tmp_path / "second" / "ceapp.db"
    copy.parent.mkdir()
    shutil.copy(original, copy)
    if with_key:
        shutil.copy(f"{original}.key", f"{copy}.key")
    with open_store(str(copy), passphrase=passphrase) as store:
        assert store.node_was_renewed
        assert store.node != node and store.clock.node == store.node
        assert store.scalar("SELECT value FROM meta WHERE key = 'node_id'") == store.node
        copy_identity = identity.device_identity(store)
        assert copy_identity.public_key_hex != me.public_key_hex
        make_area(store, ward="Spinney Hills")
        assert [op for op in decoded_ops(store) if op["node"] == store.node]
        renewed = store.node
    # The copy's new key is beside it, so it is not renewed again.
    with open_store(str(copy), passphrase=passphrase) as store:
        assert not store.node_was_renewed and store.node == renewed
        assert identity.device_identity(store) == copy_identity
    with open_store(str(original), passphrase=passphrase) as store:
        assert not store.node_was_renewed and store.node == node
        assert identity.device_identity(store) == me


def test_a_database_whose_key_file_was_deleted_is_renewed(db_path):
    with open_store(db_path) as store:
        identity.device_identity(store)
        node = store.node
    os.remove(db_path + ".key")
    with open_store(db_path) as store:
        assert store.node_was_renewed and store.node != node
    assert os.path.exists(db_path + ".key")


def test_a_refused_file_is_not_renewed(tmp_path):
    import sqlite3

    path = tmp_path / "ceapp.db"
    with open_store(str(path)) as store:
        identity.device_identity(store)
    os.remove(f"{path}.key")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = _sha256(path)
    assert _cli("--db", path, "sync", "id")[0] == 3
    assert _sha256(path) == before and not os.path.exists(f"{path}.key")


def test_an_in_memory_database_has_an_identity_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_store(":memory:") as store:
        me = identity.device_identity(store)
        assert identity.device_identity(store) == me
        assert identity.private_key(store).public_key() is not None
    assert list(tmp_path.iterdir()) == []


def test_a_renewed_copy_passes_check_and_sync_id_says_so(tmp_path):
    from ceapp import integrity

    original = tmp_path / "first.db"
    with open_store(str(original)) as store:
        make_area(store)
        identity.device_identity(store)
    copy = tmp_path / "moved" / "first.db"
    copy.parent.mkdir()
    shutil.copy(original, copy)
    code, printed, err = _cli("--db", copy, "sync", "id")
    assert code == 0, err
    assert "its own installation id" in printed
    with open_store(str(copy)) as store:
        make_area(store, ward="Spinney Hills")
        assert integrity.check(store) == []
