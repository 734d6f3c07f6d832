"""Checks shared by the record modules. Each raises ValidationError naming
the field, with a message that says what is wrong and what to do.

A message that quotes what was typed quotes `excerpt(value)`: short, and
with invisible or terminal-controlling characters shown as escapes, so a
pasted 100 KB blob or an escape sequence cannot flood or take over the
terminal (or a dialog) that shows the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache, partial

from ceapp import languages as language_codes
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.vocab import Choices

# Control characters other than tab and newline (C0, DEL, C1): pasted junk,
# never meant, and some of them drive terminals.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Embedding, override and isolate controls: invisible, and able to make text
# display in an order other than the one stored ("Trojan Source"). The marks
# LRM and RLM stay allowed: they only nudge neutral characters such as
# punctuation, and right-to-left writers rely on them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates (what undecodable bytes become) and noncharacters cannot be
# stored as UTF-8 text or are reserved never to be exchanged.
_NONCHARACTERS = "".join(
    chr(plane * 0x10000 + offset) for plane in range(17) for offset in (0xFFFE, 0xFFFF)
)
NOT_TEXT = re.compile(f"[\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")
# Shown escaped in messages: everything above, tab and line breaks (a message
# is one line), other invisible format characters and the line separators.
# ZWJ and ZWNJ stay as they are: Bengali and Persian words need them.
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e"
    "\u200b\u200e-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    f"\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}"
)
# Anything text() refuses; most text has none, and one search says so.
_REFUSED_IN_TEXT = re.compile(
    f"{CONTROL_CHARACTERS.pattern}|{BIDI_CONTROLS.pattern}|{NOT_TEXT.pattern}"
)
_ESCAPED_IN_MESSAGES = re.compile(f"[\t\n{_INVISIBLE}]")
_ESCAPED_IN_LINES = re.compile(f"[{_INVISIBLE}]")
EXCERPT_LENGTH = 40
_PLAIN_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}\Z")
# Far beyond any count a person types, and well inside SQLite's 64-bit integers.
WHOLE_NUMBER_LIMIT = 1_000_000_000
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SHORT_TEXT = 200
LONG_TEXT = 10_000


def _escape(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:
        # An undecodable byte smuggled in by Python's surrogateescape: show the byte.
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape(value, *, keep_lines: bool = False) -> str:
    """`value` as text with control and invisible format characters written as escapes.

    With `keep_lines`, tabs and newlines stay as they are (for multi-line output).
    """
    pattern = _ESCAPED_IN_LINES if keep_lines else _ESCAPED_IN_MESSAGES
    value = str(value)
    if not pattern.search(value):
        return value
    return pattern.sub(lambda match: _escape(match.group()), value)


def excerpt(value, limit: int = EXCERPT_LENGTH) -> str:
    """At most `limit` characters of `value`, escaped, for quoting in a message.

    A value cut short ends in "…"; an escape is never cut in half.
    """
    raw = "" if value is None else str(value)
    pieces: list[str] = []
    length = 0
    # Look only at the start: the value may be megabytes long.
    for character in raw[: limit + 1]:
        piece = _escape(character) if _ESCAPED_IN_MESSAGES.match(character) else character
        pieces.append(piece)
        length += len(piece)
        if length > limit:
            break
    if length <= limit:
        return "".join(pieces)
    while pieces and length + 1 > limit:
        length -= len(pieces.pop())
    return "".join(pieces).rstrip() + "…"


# A field's label: translated text, or a function giving it (later()).
Label = str | Callable[[], str]


def later(message: str) -> Callable[[], str]:
    """A label translated only when a message needs it.

    Bulk entry checks a million fields and refuses almost none: looking up
    each label's translation first cost more than the checks themselves.
    Mark `message` with N_ so it is extracted for translation.
    """
    return partial(_, message)


def _named(label: Label) -> str:
    return label() if callable(label) else label


def text(field: str, value, *, label: Label, required: bool = True, limit: int = SHORT_TEXT):
    """Stripped text, or None for an empty optional field.

    Refused, with a message saying to retype: C0 control characters other
    than tab and newline (a carriage return becomes a newline), DEL and the
    C1 controls; the bidirectional embedding, override and isolate controls
    (U+202A to U+202E, U+2066 to U+2069); noncharacters such as U+FFFF; and
    lone surrogates. Allowed: every letter and mark, the zero-width joiner
    and non-joiner (needed in Bengali, Persian and other scripts) and the
    left-to-right and right-to-left marks.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, _("{label} must be text.").format(label=_named(label)))
    # Text pasted from Windows or read from a CSV ends lines with CR LF; keep
    # the line breaks rather than refusing the CR as a control character.
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if not value:
        if required:
            raise ValidationError(
                field, _("{label} is required: please fill it in.").format(label=_named(label))
            )
        return None
    if len(value) > limit:
        raise ValidationError(
            field,
            _("{label} is too long ({length} characters); shorten it to {limit} or fewer.").format(
                label=_named(label), length=len(value), limit=limit
            ),
        )
    if not _REFUSED_IN_TEXT.search(value):
        return value
    found = CONTROL_CHARACTERS.search(value)
    if found:
        raise ValidationError(
            field,
            _("{label} contains a control character ({code}); retype it as plain text.").format(
                label=_named(label), code=excerpt(found.group())
            ),
        )
    found = BIDI_CONTROLS.search(value)
    if found:
        raise ValidationError(
            field,
            _(
                "{label} contains an invisible character that changes the direction of "
                "text ({code}); retype it without it."
            ).format(label=_named(label), code=excerpt(found.group())),
        )
    found = NOT_TEXT.search(value)
    if found:
        raise ValidationError(
            field,
            _(
                "{label} contains something that is not a character ({code}); "
                "retype it as plain text."
            ).format(label=_named(label), code=excerpt(found.group())),
        )
    return value


def choice(field: str, value, choices: Choices, *, label: Label, required: bool = True):
    if value in (None, "") and not required:
        return None
    if value not in choices:
        raise ValidationError(
            field,
            _("{label} '{value}' is not one of the allowed values: {allowed}.").format(
                label=_named(label),
                value=excerpt(value),
                allowed=choices.listing(),
            ),
        )
    return value


def choice_list(field: str, values, choices: Choices, *, label: Label) -> list[str]:
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


def languages(field: str, values, *, label: Label) -> list[str]:
    """Language codes (en, bn, so, pa, ar, syl, ...) checked against Babel's locale data."""
    codes = []
    for value in _as_list(values):
        code = _language_code(value)
        if code is None:
            raise ValidationError(
                field,
                _(
                    "{label}: '{value}' is not a language code. Use codes such as "
                    "en, bn, so, pa, ur, ar or pl."
                ).format(label=_named(label), value=excerpt(value)),
            )
        codes.append(code)
    return sorted(set(codes))


# Babel's locale data answers the same few codes over and over in bulk entry.
_language_code = lru_cache(maxsize=1024)(language_codes.normalise)


def datetime_text(field: str, value, *, label: Label, required: bool = True) -> str | None:
    """A local date and time as 'YYYY-MM-DDTHH:MM' (a date alone means midnight)."""
    if value in (None, "") and not required:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    raw = str(value or "").strip()
    if _PLAIN_DATETIME.match(raw):
        # The two spellings people and the demo type, read without strptime's
        # cost; fromisoformat takes exactly the same dates and times of them.
        try:
            return datetime.fromisoformat(raw).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            pass
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, pattern).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            continue
    raise ValidationError(
        field,
        _("{label} '{value}' is not a date and time; write it as 2026-03-14 18:30.").format(
            label=_named(label), value=excerpt(raw)
        ),
    )


def date_text(field: str, value, *, label: Label, required: bool = True) -> str | None:
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
                label=_named(label), value=excerpt(raw)
            ),
        ) from None


def flag(field: str, value, *, label: Label) -> bool:
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
        field,
        _("{label} must be yes or no, not '{value}'.").format(
            label=_named(label), value=excerpt(value)
        ),
    )


def email(field: str, value, *, label: Label) -> str | None:
    value = text(field, value, label=label, required=False)
    if value is not None and not EMAIL_PATTERN.match(value):
        raise ValidationError(
            field,
            _("{label} '{value}' is not an email address; check for a missing @ or dot.").format(
                label=_named(label), value=excerpt(value)
            ),
        )
    return value


def whole_number(field: str, value, *, label: Label, limit: int = WHOLE_NUMBER_LIMIT) -> int:
    """An int from -limit to limit; a bigger one is surely a slip of the keyboard."""
    raw = str(value).strip()
    try:
        number = int(raw)
    except ValueError:
        # Python refuses to read ints of thousands of digits; they are just too large.
        if not raw.lstrip("+-").isdecimal():
            raise ValidationError(
                field,
                _("{label} must be a whole number, not '{value}'.").format(
                    label=_named(label), value=excerpt(raw)
                ),
            ) from None
        number = limit + 1
    if abs(number) > limit:
        raise ValidationError(
            field,
            _("{label} '{value}' is out of range; give a number from -{limit} to {limit}.").format(
                label=_named(label), value=excerpt(raw), limit=limit
            ),
        )
    return number


def reference(store, field: str, value, *, table: str, label: Label, required: bool = False):
    """An id that must name an existing row of `table`."""
    if value in (None, ""):
        if required:
            raise ValidationError(
                field, _("{label} is required: please choose one.").format(label=_named(label))
            )
        return None
    known = getattr(store, "known_ids", None)
    if known is not None and isinstance(value, str) and value in known.get(table, ()):
        return value
    found = store.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (str(value),)).fetchone()
    if found and known is not None:
        known.setdefault(table, set()).add(str(value))
    if not found:
        raise ValidationError(
            field,
            _("{label}: there is no record with id '{value}'. List them to find the id.").format(
                label=_named(label), value=excerpt(value)
            ),
        )
    return str(value)


class References:
    """reference() for a batch written in one transaction: each id found is looked up once.

    Only ids found are remembered, so a missing one is refused with the same
    message every time. Valid while the batch deletes nothing it checks.
    """

    def __init__(self, store) -> None:
        self.store = store
        self._found: dict[str, set[str]] = {}

    def check(self, field: str, value, *, table: str, label: Label, required: bool = False):
        found = self._found.setdefault(table, set())
        if isinstance(value, str) and value in found:
            return value
        checked = reference(self.store, field, value, table=table, label=label, required=required)
        if checked is not None:
            found.add(checked)
        return checked
