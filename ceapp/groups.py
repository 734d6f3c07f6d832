"""Community and representative groups, for the consultation finder.

Contact details are personal data: they are kept only with consent to be
contacted recorded.

"Last took part" is an estimate, because events do not yet record which
groups took part: the date of the latest event, up to today, held in the
group's ward whose title or audience names the group or one of its
communities of interest (case-insensitive). A group with no ward has none.
"""

from __future__ import annotations

from datetime import date

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.lookup import LIKE_ESCAPE, contains_pattern
from ceapp.schema import spec_for
from ceapp.store import Store
from ceapp.vocab import GROUP_TYPES

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def clean_group(store: Store, fields: dict) -> dict:
    v = validation
    group = {
        "name": v.text("name", fields.get("name"), label=_("Group name")),
        "group_type": v.choice(
            "group_type", fields.get("group_type"), GROUP_TYPES, label=_("Type of group")
        ),
        "communities": sorted(
            {
                v.text("communities", item, label=_("Community of interest"))
                for item in _split(fields.get("communities"))
            }
        ),
        "area_id": v.reference(
            store, "area_id", fields.get("area_id"), table="areas", label=_("Area")
        ),
        "languages": v.languages("languages", fields.get("languages"), label=_("Languages")),
        "contact_name": v.text(
            "contact_name", fields.get("contact_name"), label=_("Contact name"), required=False
        ),
        "contact_email": v.email(
            "contact_email", fields.get("contact_email"), label=_("Contact email")
        ),
        "contact_phone": v.text(
            "contact_phone",
            fields.get("contact_phone"),
            label=_("Contact phone"),
            required=False,
            limit=40,
        ),
        "contact_consent": v.flag(
            "contact_consent", fields.get("contact_consent", False), label=_("Consent to contact")
        ),
        "notes": v.text(
            "notes", fields.get("notes"), label=_("Notes"), required=False, limit=v.LONG_TEXT
        ),
    }
    has_contact = any(group[key] for key in ("contact_name", "contact_email", "contact_phone"))
    if has_contact and not group["contact_consent"]:
        raise ValidationError(
            "contact_consent",
            _(
                "Contact details can only be kept when the contact has agreed to be "
                "contacted. Record their consent, or leave the contact details out."
            ),
        )
    return group


def _split(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [part for part in values.split(",") if part.strip()]
    return list(values)


def add_group(store: Store, **fields) -> str:
    with store.transaction():
        group = clean_group(store, fields)
        return changes.create(store, "community_groups", group)


def edit_group(store: Store, group_id: str, **fields) -> dict:
    """Change some fields of a group; returns those that changed.

    Withdrawing consent (contact_consent false) erases the contact details,
    whatever else was given: they may not be kept without it.
    """
    if "contact_consent" in fields and not validation.flag(
        "contact_consent", fields["contact_consent"], label=_("Consent to contact")
    ):
        fields = {**fields, **dict.fromkeys(CONTACT_FIELDS)}
    with store.transaction():
        current = changes.read(store, "community_groups", group_id)
        current.pop("id")
        return changes.update(
            store, "community_groups", group_id, clean_group(store, {**current, **fields})
        )


def get_group(store: Store, group_id: str) -> dict:
    """One group, its contact details included (show them only where consent is recorded)."""
    group = changes.read(store, "community_groups", group_id)
    group["contact_consent"] = bool(group["contact_consent"])
    return group


def list_groups(
    store: Store,
    *,
    search: str | None = None,
    group_type: str | None = None,
    area_id: str | None = None,
    community: str | None = None,
    language: str | None = None,
) -> list[dict]:
    """Groups by name, filtered by any of: words in the name or communities, type,
    area, a community of interest (words in it) and a language code."""
    where: list[str] = []
    params: list = []
    if search:
        where.append(f"(g.name LIKE ? {LIKE_ESCAPE} OR g.communities LIKE ? {LIKE_ESCAPE})")
        params += [contains_pattern(search)] * 2
    if group_type:
        v = validation
        where.append("g.group_type = ?")
        params.append(v.choice("group_type", group_type, GROUP_TYPES, label=_("Type of group")))
    if area_id:
        where.append("g.area_id = ?")
        params.append(area_id)
    if community and community.strip():
        where.append(
            f"EXISTS (SELECT 1 FROM json_each(g.communities) c WHERE c.value LIKE ? {LIKE_ESCAPE})"
        )
        params.append(contains_pattern(community, field="community"))
    if language and language.strip():
        where.append(
            "EXISTS (SELECT 1 FROM json_each(g.languages) l WHERE l.value = ? COLLATE NOCASE)"
        )
        params.append(language.strip())
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = store.query(
        "SELECT g.id, g.name, g.group_type, g.communities, g.languages, g.area_id,"
        " a.ward AS ward, g.contact_consent"
        " FROM community_groups g LEFT JOIN areas a ON a.id = g.area_id"
        f"{clause} ORDER BY g.name COLLATE NOCASE, g.id",
        params,
    )
    spec_columns = ("communities", "languages")
    for row in rows:
        for column in spec_columns:
            row[column] = changes.from_column(spec_for("community_groups"), column, row[column])
        row["contact_consent"] = bool(row["contact_consent"])
    return rows


def last_took_part(
    store: Store, group_ids: list[str] | None = None, *, today: date | None = None
) -> dict[str, str | None]:
    """{group id: date (YYYY-MM-DD) it last took part, or None}; see the module's docstring.

    Reads every event in each group's ward: run it off the GUI thread.
    """
    today_text = (today or date.today()).isoformat()
    sql = "SELECT id, name, communities, area_id FROM community_groups"
    params: list = []
    if group_ids is not None:
        sql += f" WHERE id IN ({', '.join('?' for _id in group_ids)})"
        params = list(group_ids)
    found: dict[str, str | None] = {}
    spec = spec_for("community_groups")
    for row in store.query(sql, params):
        found[row["id"]] = None
        if not row["area_id"]:
            continue
        words = [row["name"], *changes.from_column(spec, "communities", row["communities"])]
        patterns = [contains_pattern(word) for word in words if word and word.strip()]
        if not patterns:
            continue
        mentions = " OR ".join(
            f"e.title LIKE ? {LIKE_ESCAPE} OR e.audience LIKE ? {LIKE_ESCAPE}" for _p in patterns
        )
        found[row["id"]] = store.scalar(
            "SELECT max(substr(e.starts_at, 1, 10)) FROM events e"
            f" WHERE e.area_id = ? AND substr(e.starts_at, 1, 10) <= ? AND ({mentions})",
            [row["area_id"], today_text, *(p for pattern in patterns for p in (pattern, pattern))],
        )
    return found
