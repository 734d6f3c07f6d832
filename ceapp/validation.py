"""Checks shared by the record modules. Each raises ValidationError naming
the field, with a message that says what is wrong and what to do."""

from __future__ import annotations

import re
from datetime import date, datetime

from ceapp import languages as language_codes
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.vocab import Choices

# Control characters other than tab and newline: pasted junk, never meant.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f]")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SHORT_TEXT = 200
LONG_TEXT = 10_000


def text(field: str, value, *, label: str, required: bool = True, limit: int = SHORT_TEXT):
    """Stripped text, or None for an empty optional field."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, _("{label} must be text.").format(label=label))
    # Text pasted from Windows or read from a CSV ends lines with CR LF; keep
    # the line breaks rather than refusing the CR as a control character.
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        if required:
            raise ValidationError(
                field, _("{label} is required: please fill it in.").format(label=label)
            )
        return None
    if len(value) > limit:
        raise ValidationError(
            field,
            _("{label} is too long ({length} characters); shorten it to {limit} or fewer.").format(
                label=label, length=len(value), limit=limit
            ),
        )
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            field,
            _("{label} contains control characters; retype it as plain text.").format(label=label),
        )
    return value


def choice(field: str, value, choices: Choices, *, label: str, required: bool = True):
    if value in (None, "") and not required:
        return None
    if value not in choices:
        raise ValidationError(
            field,
            _("{label} '{value}' is not one of the allowed values: {allowed}.").format(
                label=label, value=value if value is not None else "", allowed=choices.listing()
            ),
        )
    return value


def choice_list(field: str, values, choices: Choices, *, label: str) -> list[str]:
    values = _as_list(values)
    for value in values:
        choice(field, value, choices, label=label)
    return sorted(set(values), key=choices.codes.index)


def _as_list(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [part.strip() for part in values.split(",") if part.strip()]
    return [str(value).strip() for value in values if str(value).strip()]


def languages(field: str, values, *, label: str) -> list[str]:
    """Language codes (en, bn, so, pa, ar, syl, ...) checked against Babel's locale data."""
    codes = []
    for value in _as_list(values):
        code = language_codes.normalise(value)
        if code is None:
            raise ValidationError(
                field,
                _(
                    "{label}: '{value}' is not a language code. Use codes such as "
                    "en, bn, so, pa, ur, ar or pl."
                ).format(label=label, value=value),
            )
        codes.append(code)
    return sorted(set(codes))


def datetime_text(field: str, value, *, label: str, required: bool = True) -> str | None:
    """A local date and time as 'YYYY-MM-DDTHH:MM' (a date alone means midnight)."""
    if value in (None, "") and not required:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    raw = str(value or "").strip()
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, pattern).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            continue
    raise ValidationError(
        field,
        _("{label} '{value}' is not a date and time; write it as 2026-03-14 18:30.").format(
            label=label, value=raw
        ),
    )


def date_text(field: str, value, *, label: str, required: bool = True) -> str | None:
    """A calendar date as 'YYYY-MM-DD'."""
    if value in (None, "") and not required:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    raw = str(value or "").strip()
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ValidationError(
            field,
            _("{label} '{value}' is not a date; write it as 2026-03-14.").format(
                label=label, value=raw
            ),
        ) from None


def flag(field: str, value, *, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    lowered = str(value).strip().lower()
    if lowered in {"yes", "y", "true", "1", "on"}:
        return True
    if lowered in {"no", "n", "false", "0", "off", ""}:
        return False
    raise ValidationError(
        field, _("{label} must be yes or no, not '{value}'.").format(label=label, value=value)
    )


def email(field: str, value, *, label: str) -> str | None:
    value = text(field, value, label=label, required=False)
    if value is not None and not EMAIL_PATTERN.match(value):
        raise ValidationError(
            field,
            _("{label} '{value}' is not an email address; check for a missing @ or dot.").format(
                label=label, value=value
            ),
        )
    return value


def whole_number(field: str, value, *, label: str) -> int:
    if isinstance(value, bool):
        value = str(value)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            field,
            _("{label} must be a whole number, not '{value}'.").format(label=label, value=value),
        ) from None
    return number


def reference(store, field: str, value, *, table: str, label: str, required: bool = False):
    """An id that must name an existing row of `table`."""
    if value in (None, ""):
        if required:
            raise ValidationError(
                field, _("{label} is required: please choose one.").format(label=label)
            )
        return None
    found = store.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (str(value),)).fetchone()
    if not found:
        raise ValidationError(
            field,
            _("{label}: there is no record with id '{value}'. List them to find the id.").format(
                label=label, value=value
            ),
        )
    return str(value)
