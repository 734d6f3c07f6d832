"""Which events a report covers, as a person chose them, and the SQL that picks them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ceapp import lookup
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.validation import excerpt
from ceapp.vocab import METHODS, SPECTRUM


@dataclass(frozen=True)
class Selection:
    """Every field narrows the events; None leaves that field open."""

    event_id: str | None = None
    area_id: str | None = None
    borough: str | None = None
    partner_id: str | None = None
    spectrum: str | None = None
    method: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def where(self) -> tuple[str, list]:
        """A WHERE clause over events `e` (and areas `a`), with its parameters."""
        terms, params = ["1"], []
        for column, value in (
            ("e.id", self.event_id),
            ("e.area_id", self.area_id),
            ("e.partner_id", self.partner_id),
            ("e.spectrum", self.spectrum),
            ("e.method", self.method),
        ):
            if value is not None:
                terms.append(f"{column} = ?")
                params.append(value)
        if self.borough is not None:
            terms.append("e.area_id IN (SELECT id FROM areas WHERE borough = ?)")
            params.append(self.borough)
        if self.date_from is not None:
            terms.append("e.starts_at >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to is not None:
            # starts_at is "YYYY-MM-DDTHH:MM": every time on the last day sorts below "T~".
            terms.append("e.starts_at < ?")
            params.append(self.date_to.isoformat() + "T~")
        return " AND ".join(terms), params

    def describe(self, store: Store) -> list[tuple[str, str]]:
        """(what, chosen) pairs for the head of every output; empty fields say "all"."""
        lines = []
        if self.event_id is not None:
            row = store.conn.execute(
                "SELECT title, substr(starts_at, 1, 10) FROM events WHERE id = ?", (self.event_id,)
            ).fetchone()
            title = _("{title} ({date})").format(title=row[0], date=row[1]) if row else "?"
            lines.append((_("Event"), title))
        if self.area_id is not None:
            row = store.conn.execute(
                "SELECT ward, borough FROM areas WHERE id = ?", (self.area_id,)
            ).fetchone()
            lines.append((_("Area"), f"{row[0]}, {row[1]}" if row else "?"))
        if self.borough is not None:
            lines.append((_("Borough"), self.borough))
        if self.partner_id is not None:
            name = store.scalar("SELECT name FROM partners WHERE id = ?", (self.partner_id,))
            lines.append((_("Partner"), name or "?"))
        if self.spectrum is not None:
            lines.append((_("Engagement type"), SPECTRUM.label(self.spectrum)))
        if self.method is not None:
            lines.append((_("Method"), METHODS.label(self.method)))
        if self.date_from is not None or self.date_to is not None:
            lines.append((_("Dates"), self.dates_text()))
        if not lines:
            lines.append((_("Events"), _("all events")))
        return lines

    def dates_text(self) -> str:
        first = self.date_from.isoformat() if self.date_from else None
        last = self.date_to.isoformat() if self.date_to else None
        if first and last:
            return _("{first} to {last}").format(first=first, last=last)
        if first:
            return _("from {first}").format(first=first)
        return _("up to {last}").format(last=last)


def build_selection(
    store: Store,
    *,
    event: str | None = None,
    area: str | None = None,
    partner: str | None = None,
    spectrum: str | None = None,
    method: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Selection:
    """A Selection from what a person typed: ids, short ids, names; refused with a message."""
    event_id = (
        lookup.resolve_id(store, "events", event, field="event", label=_("Event"))
        if event
        else None
    )
    area_id, borough = _area(store, area)
    partner_id = lookup.resolve_partner(store, partner) if partner else None
    for field, value, choices in (("spectrum", spectrum, SPECTRUM), ("method", method, METHODS)):
        if value is not None and value not in choices:
            raise ValidationError(
                field,
                _("'{value}' is not a {field}. Choose one of: {codes}.").format(
                    value=excerpt(value), field=field, codes=choices.listing()
                ),
            )
    if date_from and date_to and date_from > date_to:
        raise ValidationError(
            "to",
            _("The dates are the wrong way round: {first} is after {last}.").format(
                first=date_from.isoformat(), last=date_to.isoformat()
            ),
        )
    return Selection(
        event_id=event_id,
        area_id=area_id,
        borough=borough,
        partner_id=partner_id,
        spectrum=spectrum,
        method=method,
        date_from=date_from,
        date_to=date_to,
    )


def _area(store: Store, text: str | None) -> tuple[str | None, str | None]:
    """A ward (its id) or a whole borough (its name), from what was typed."""
    if not text:
        return None, None
    borough = store.scalar(
        "SELECT borough FROM areas WHERE borough = ? COLLATE NOCASE LIMIT 1", (text.strip(),)
    )
    if borough is not None:
        return None, borough
    return lookup.resolve_area(store, text), None
