"""Bundles encrypted for one trusted device, in the age format (pyrage).

A bundle carries special category data (equality monitoring), so one sent
by hand between laptops is encrypted for the laptop it is meant for. age
takes an `ssh-ed25519` recipient, so each installation's Ed25519 device key
(ceapp.sync.identity) is all the key material needed: the sender encrypts to
the public key it trusts the receiver by (ceapp.sync.trust), the receiver
decrypts with its own private key. The cryptography is age's, through
pyrage; this module only turns keys into the forms age reads and its errors
into plain messages.
"""

from __future__ import annotations

import pyrage
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ceapp.errors import BundleRefusedError, CeappError, ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.sync import identity

# The first bytes of every binary (not armored) age file.
AGE_MAGIC = b"age-encryption.org/v1\n"
# What age says when no recipient stanza in the header is for the identities
# given (tests/test_sync_encryption.py notices if a new pyrage words it otherwise).
_NOT_FOR_US = "no matching keys"


def looks_encrypted(head: bytes) -> bool:
    """True when `head`, the first bytes of a file, begin an age file."""
    return head.startswith(AGE_MAGIC)


def _recipient(public_key_hex: str) -> pyrage.ssh.Recipient:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        openssh = key.public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        return pyrage.ssh.Recipient.from_str(openssh.decode("ascii"))
    except (ValueError, TypeError, pyrage.RecipientError):
        raise ValidationError(
            "encrypt_to",
            _(
                "The key recorded for that laptop is not a laptop's public key. Stop trusting "
                "it, then trust it again with the key file saved on it."
            ),
        ) from None


def encrypt_for(public_key_hex: str, data: bytes) -> bytes:
    """`data` encrypted (binary age) so only the device with this public key can read it."""
    recipient = _recipient(public_key_hex)
    try:
        return pyrage.encrypt(data, [recipient])
    except pyrage.EncryptError:
        raise CeappError(_("The bundle could not be encrypted; nothing was written.")) from None


def _identity(store: Store) -> pyrage.ssh.Identity:
    pem = identity.private_key(store).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return pyrage.ssh.Identity.from_buffer(pem)


def _not_for_this_laptop(path: str | None) -> BundleRefusedError:
    if path is None:
        message = _(
            "This bundle is encrypted for another laptop, not this one. Ask the sender to "
            "export it again, encrypted for this laptop."
        )
    else:
        message = _(
            "{path} is encrypted for another laptop, not this one. Ask the sender to export "
            "it again, encrypted for this laptop."
        )
    return BundleRefusedError(message.format(path=path))


def _damaged(path: str | None) -> BundleRefusedError:
    if path is None:
        message = _(
            "The encrypted bundle is damaged or incomplete (perhaps cut short while copying) "
            "and cannot be read. Copy it again, or ask the sender to export it again."
        )
    else:
        message = _(
            "{path} is an encrypted bundle that is damaged or incomplete (perhaps cut short "
            "while copying) and cannot be read. Copy it again, or ask the sender to export "
            "it again."
        )
    return BundleRefusedError(message.format(path=path))


def _key_unusable(path: str | None) -> BundleRefusedError:
    if path is None:
        message = _(
            "This laptop's device key is in a form the decryption cannot use, so the "
            "encrypted bundle cannot be read. This is a fault in ceapp: please report it."
        )
    else:
        message = _(
            "This laptop's device key is in a form the decryption cannot use, so {path} "
            "cannot be read. This is a fault in ceapp: please report it."
        )
    return BundleRefusedError(message.format(path=path))


def decrypt_for(store: Store, data: bytes, *, path: str | None = None) -> bytes:
    """`data` (binary age) decrypted with this installation's device key.

    Raises BundleRefusedError, never a pyrage error, when the data was encrypted
    for another device or is damaged or cut short; its message names `path`,
    the file the data came from, when it is given.
    """
    if identity.recorded_public_key(store) is None:
        # No key yet, so no one can have encrypted for this laptop: refused
        # without making a key just to try.
        raise _not_for_this_laptop(path)
    try:
        return pyrage.decrypt(data, [_identity(store)])
    except pyrage.DecryptError as error:
        if _NOT_FOR_US in str(error).lower():
            raise _not_for_this_laptop(path) from None
        raise _damaged(path) from None
    except pyrage.IdentityError:
        # Our own key in a form age does not read: not expected, but no
        # pyrage error leaves this module.
        raise _key_unusable(path) from None
