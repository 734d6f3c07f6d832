"""Find records from what a person types: a full id, a short id prefix, or a name."""

from __future__ import annotations

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.validation import excerpt

# Short enough to type from a listing, long enough to be unique in practice.
MIN_PREFIX = 4
# Longer than any title or name it could match (those stop at 200), and far
# below SQLite's limit on a LIKE pattern (50,000 bytes).
MAX_SEARCH = 200


def resolve_id(store: Store, table: str, text: str, *, field: str, label: str) -> str:
    """A full id, or a unique prefix of one (as `events list` shows them)."""
    text = (text or "").strip().lower()
    if len(text) < MIN_PREFIX:
        raise ValidationError(
            field,
            _("{label}: give at least {count} characters of the id.").format(
                label=label, count=MIN_PREFIX
            ),
        )
    # The ids are hex and dashes only, so a prefix range needs no LIKE escaping.
    matches = [
        row[0]
        for row in store.conn.execute(
            f"SELECT id FROM {table} WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (text, text + "\uffff"),
        )
    ]
    if not matches:
        raise ValidationError(
            field,
            _("{label}: nothing has an id starting '{text}'. List them to find the id.").format(
                label=label, text=excerpt(text)
            ),
        )
    if len(matches) > 1:
        raise ValidationError(
            field,
            _("{label}: more than one id starts '{text}'; type more of it.").format(
                label=label, text=excerpt(text)
            ),
        )
    return matches[0]


def resolve_area(store: Store, text: str | None, *, field: str = "area") -> str | None:
    """An area from its id, its ward name, or 'Ward, Borough'."""
    if not text:
        return None
    ward, _sep, borough = (part.strip() for part in text.partition(","))
    sql = "SELECT id FROM areas WHERE (id = ? OR ward = ? COLLATE NOCASE)"
    params = [text.strip(), ward]
    if borough:
        sql += " AND borough = ? COLLATE NOCASE"
        params.append(borough)
    matches = [row[0] for row in store.conn.execute(sql + " LIMIT 2", params)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValidationError(
            field,
            _("More than one ward is called {ward}; add the borough: '{ward}, Borough'.").format(
                ward=excerpt(ward)
            ),
        )
    raise ValidationError(
        field,
        _(
            "There is no area '{text}'. See `ceapp areas list`, or add it with `ceapp areas add`."
        ).format(text=excerpt(text)),
    )


def resolve_partner(store: Store, text: str | None, *, field: str = "partner") -> str | None:
    """A partner from its id or its name."""
    if not text:
        return None
    found = store.scalar(
        "SELECT id FROM partners WHERE id = ? OR name = ? COLLATE NOCASE LIMIT 1",
        (text.strip(), text.strip()),
    )
    if found:
        return found
    raise ValidationError(
        field,
        _(
            "There is no partner '{text}'. See `ceapp partners list`, "
            "or add it with `ceapp partners add`."
        ).format(text=excerpt(text)),
    )


LIKE_ESCAPE = "ESCAPE '\\'"


def contains_pattern(text: str, *, field: str = "search") -> str:
    """A LIKE pattern matching `text` anywhere, its % and _ taken literally.

    Use with `column LIKE ? ESCAPE '\\'` (LIKE_ESCAPE). Search text longer
    than MAX_SEARCH characters is refused with a ValidationError.
    """
    text = text.strip()
    if len(text) > MAX_SEARCH:
        raise ValidationError(
            field,
            _(
                "The search text is too long ({length} characters); use at most {limit}: "
                "a word or two is enough."
            ).format(length=len(text), limit=MAX_SEARCH),
        )
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
