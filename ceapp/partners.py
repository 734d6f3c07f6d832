"""Partner organisations that lead engagement: council, police, NHS, VCS..."""

from __future__ import annotations

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.vocab import PARTNER_KINDS


def add_partner(store: Store, *, name: str, kind: str) -> str:
    name = validation.text("name", name, label=_("Partner name"))
    kind = validation.choice("kind", kind, PARTNER_KINDS, label=_("Kind of partner"))
    with store.transaction():
        if store.scalar("SELECT 1 FROM partners WHERE name = ? COLLATE NOCASE", (name,)):
            raise ValidationError(
                "name", _("{name} is already a partner; choose it instead.").format(name=name)
            )
        return changes.create(store, "partners", {"name": name, "kind": kind})


def list_partners(store: Store) -> list[dict]:
    return store.query("SELECT id, name, kind FROM partners ORDER BY name, id")
