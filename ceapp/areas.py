"""Areas: a borough and one of its wards or neighbourhoods."""

from __future__ import annotations

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store


def add_area(store: Store, *, borough: str, ward: str) -> str:
    borough = validation.text("borough", borough, label=_("Borough"))
    ward = validation.text("ward", ward, label=_("Ward"))
    with store.transaction():
        if find_area(store, borough=borough, ward=ward):
            raise ValidationError(
                "ward",
                _("{ward} ({borough}) is already recorded; choose it instead.").format(
                    ward=ward, borough=borough
                ),
            )
        return changes.create(store, "areas", {"borough": borough, "ward": ward})


def find_area(store: Store, *, borough: str, ward: str) -> str | None:
    return store.scalar(
        "SELECT id FROM areas WHERE borough = ? COLLATE NOCASE AND ward = ? COLLATE NOCASE",
        (borough, ward),
    )


def list_areas(store: Store) -> list[dict]:
    return store.query("SELECT id, borough, ward FROM areas ORDER BY borough, ward, id")
