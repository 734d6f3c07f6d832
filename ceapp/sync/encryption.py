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
                "The key recorded for that device is not a device's public key; "
                "untrust it and trust the file `ceapp sync id --out FILE` writes on it."
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


def _not_for_this_laptop() -> BundleRefusedError:
    return BundleRefusedError(
        _(
            "This bundle is encrypted for another laptop, not this one. The sender should "
            "export it again with `ceapp sync export --encrypt-to NAME`, where NAME is the "
            "name they trusted this laptop under."
        )
    )


def decrypt_for(store: Store, data: bytes) -> bytes:
    """`data` (binary age) decrypted with this installation's device key.

    Raises BundleRefusedError, never a pyrage error, when the data was encrypted
    for another device or is damaged or cut short.
    """
    if identity.recorded_public_key(store) is None:
        # No key yet, so no one can have encrypted for this laptop: refused
        # without making a key just to try.
        raise _not_for_this_laptop()
    try:
        return pyrage.decrypt(data, [_identity(store)])
    except pyrage.DecryptError as error:
        if _NOT_FOR_US in str(error).lower():
            raise _not_for_this_laptop() from None
        raise BundleRefusedError(
            _(
                "The encrypted bundle is damaged or incomplete and cannot be read; "
                "ask the sender to export it again."
            )
        ) from None
    except pyrage.IdentityError:
        # Our own key in a form age does not read: not expected, but no
        # pyrage error leaves this module.
        raise BundleRefusedError(
            _("This laptop's device key cannot be used to decrypt the bundle.")
        ) from None
