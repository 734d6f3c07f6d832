"""An import's summary as sentences, for `ceapp sync import` and the Sync page."""

from __future__ import annotations

from ceapp.i18n import _
from ceapp.sync.merge import MergeSummary


def summary_lines(summary: MergeSummary) -> list[str]:
    """The import summary as sentences, for the CLI and the Sync page."""
    return [
        _("Changes received: {count} ({new} new to this laptop).").format(
            count=summary.ops_received, new=summary.ops_new
        ),
        _("New records: {count}.").format(count=summary.new_records),
        _("Changed fields: {count}.").format(count=summary.changed_fields),
        _("Records deleted: {count}.").format(count=summary.deleted_records),
        _("New conflicts: {count}.").format(count=summary.conflicts),
        _("Erasures carried out: {count}.").format(count=summary.erasures),
        _("Edits to records deleted on another laptop (the deletion stands): {count}.").format(
            count=summary.edits_to_deleted
        ),
    ]
