"""The event combo box that the Event day and Feedback sheets pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from ceapp import events
from ceapp.errors import NotFoundError, ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ui.events_model import format_when

# The most recent events offered in the combo; an older one chosen elsewhere is added.
EVENT_CHOICES = 200


def event_text(event: dict) -> str:
    return _("{when} — {title}").format(when=format_when(event["starts_at"]), title=event["title"])


def fill_events(combo: QComboBox, reader: Store) -> None:
    """The latest events, newest first; a word on where to add one when there are none."""
    combo.clear()
    for event in events.list_events(reader, limit=EVENT_CHOICES):
        combo.addItem(event_text(event), event["id"])
    if combo.count() == 0:
        combo.setPlaceholderText(_("No events yet: add one on the Events page"))


def select_event(combo: QComboBox, reader: Store, event_id: str) -> None:
    """Choose `event_id`, adding it at the top if it is older than those listed."""
    index = combo.findData(event_id)
    if index < 0:
        try:
            event = events.get_event(reader, event_id)
        except (NotFoundError, ValidationError):
            return
        combo.insertItem(0, event_text(event), event["id"])
        index = 0
    combo.setCurrentIndex(index)
