"""Bundles encrypted (age, through pyrage) for a trusted device's Ed25519 key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ceapp.errors import BundleRefusedError, ValidationError
from ceapp.store import open_store
from ceapp.sync import encryption, identity

PASSPHRASE = "river otter lantern"
# Stands in for a bundle: the special category data a bundle carries.
PLAINTEXT = b"PK\x03\x04" + b"ethnicity=Gypsy or Irish Traveller;disability=yes;" * 40

OTHER_LAPTOP = "encrypted for another laptop"
DAMAGED = "damaged or incomplete"


def _public_key(path, passphrase=None) -> str:
    with open_store(str(path), passphrase=passphrase) as store:
        return identity.device_identity(store).public_key_hex


def _decrypt(path, data, passphrase=None) -> bytes:
    with open_store(str(path), passphrase=passphrase) as store:
        return encryption.decrypt_for(store, data)


@pytest.fixture
def sealed(tmp_path):
    """A bundle encrypted for laptop b, and b's database path."""
    b = tmp_path / "b.db"
    return encryption.encrypt_for(_public_key(b), PLAINTEXT), b


def test_a_bundle_encrypted_for_a_device_round_trips(sealed):
    data, b = sealed
    assert encryption.looks_encrypted(data)
    assert data.startswith(encryption.AGE_MAGIC)
    assert b"ssh-ed25519" in data.split(b"\n---", 1)[0]
    assert _decrypt(b, data) == PLAINTEXT


def test_the_ciphertext_does_not_hold_the_plaintext(sealed):
    data, _b = sealed
    for fragment in (b"ethnicity", b"Gypsy", b"disability", b"PK\x03\x04"):
        assert fragment not in data
    assert PLAINTEXT[:32] not in data


def test_encrypting_twice_gives_different_bytes(sealed):
    data, b = sealed
    again = encryption.encrypt_for(_public_key(b), PLAINTEXT)
    assert again != data
    assert _decrypt(b, again) == PLAINTEXT


def test_an_encrypted_database_decrypts_with_its_passphrase_protected_key(tmp_path):
    b = tmp_path / "secret.db"
    data = encryption.encrypt_for(_public_key(b, PASSPHRASE), PLAINTEXT)
    assert b"ENCRYPTED" in Path(f"{b}.key").read_bytes()
    assert _decrypt(b, data, PASSPHRASE) == PLAINTEXT


def test_a_bundle_for_another_laptop_is_refused_with_what_to_do(tmp_path, sealed):
    data, _b = sealed
    c = tmp_path / "c.db"
    _public_key(c)
    before = c.read_bytes()
    with pytest.raises(BundleRefusedError) as refused:
        _decrypt(c, data)
    message = str(refused.value)
    assert OTHER_LAPTOP in message
    assert "export it again, encrypted for this laptop" in message
    assert "\n" not in message and "Traceback" not in message
    assert c.read_bytes() == before


def test_a_laptop_without_a_key_yet_refuses_without_making_one(tmp_path, sealed):
    data, _b = sealed
    fresh = tmp_path / "fresh.db"
    with open_store(str(fresh)) as store, pytest.raises(BundleRefusedError, match=OTHER_LAPTOP):
        encryption.decrypt_for(store, data)
    assert not os.path.exists(f"{fresh}.key")


@pytest.mark.parametrize("keep", [0, 1, 10, len(encryption.AGE_MAGIC), 60, -1, -17, -40])
def test_a_truncated_bundle_is_refused_as_damaged(sealed, keep):
    data, b = sealed
    with pytest.raises(BundleRefusedError, match=DAMAGED):
        _decrypt(b, data[:keep])


def test_a_flipped_byte_in_the_payload_is_refused_as_damaged(sealed):
    data, b = sealed
    body = data.index(b"\n---") + 80
    for position in (body, len(data) // 2 + 60, len(data) - 1):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        with pytest.raises(BundleRefusedError, match=DAMAGED):
            _decrypt(b, bytes(flipped))


def test_no_flipped_byte_anywhere_gets_through_or_escapes_as_a_pyrage_error(tmp_path):
    b = tmp_path / "b.db"
    data = encryption.encrypt_for(_public_key(b), b"a short bundle")
    with open_store(str(b)) as store:
        for position in range(len(data)):
            flipped = bytearray(data)
            flipped[position] ^= 0x01
            with pytest.raises(BundleRefusedError):
                encryption.decrypt_for(store, bytes(flipped))


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04" + b"\x00" * 100, b"age-encryption.org/v1"])
def test_data_that_is_not_age_is_refused_as_damaged(sealed, data):
    _data, b = sealed
    with pytest.raises(BundleRefusedError, match=DAMAGED):
        _decrypt(b, data)


def test_looks_encrypted_tells_age_from_a_plain_zip():
    assert not encryption.looks_encrypted(b"PK\x03\x04")
    assert not encryption.looks_encrypted(b"")
    assert not encryption.looks_encrypted(encryption.AGE_MAGIC[:-1])
    # Armored age is not what encrypt_for writes.
    assert not encryption.looks_encrypted(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert encryption.looks_encrypted(encryption.AGE_MAGIC + b"-> ssh-ed25519 ")


@pytest.mark.parametrize("key", ["", "zz" * 32, "ab" * 31])
def test_a_bad_recipient_key_is_refused_plainly(key):
    with pytest.raises(ValidationError, match="public key"):
        encryption.encrypt_for(key, PLAINTEXT)
