"""Community and representative groups, for the consultation finder.

Contact details are personal data: they are kept only with consent to be
contacted recorded.
"""

from __future__ import annotations

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.lookup import LIKE_ESCAPE, contains_pattern
from ceapp.schema import spec_for
from ceapp.store import Store
from ceapp.vocab import GROUP_TYPES


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
    with store.transaction():
        current = changes.read(store, "community_groups", group_id)
        current.pop("id")
        return changes.update(
            store, "community_groups", group_id, clean_group(store, {**current, **fields})
        )


def list_groups(store: Store, *, search: str | None = None) -> list[dict]:
    params: list = []
    clause = ""
    if search:
        clause = f" WHERE g.name LIKE ? {LIKE_ESCAPE} OR g.communities LIKE ? {LIKE_ESCAPE}"
        params = [contains_pattern(search)] * 2
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
