"""CLI commands for issues and community groups that the window also offers:
filtered lists (the Issues and Groups pages' filters) and `groups edit`."""

from __future__ import annotations

import argparse

from ceapp import groups, issues
from ceapp.cli.output import print_listing, short_id
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, ngettext
from ceapp.lookup import resolve_area, resolve_id, resolve_partner
from ceapp.store import Store
from ceapp.vocab import GROUP_TYPES, ISSUE_STATUSES, ISSUE_THEMES

# `groups edit` options whose dest is the group field they set; --type and
# --area are translated to group_type and area_id.
GROUP_TEXT_FIELDS = (
    "name",
    "communities",
    "languages",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_consent",
    "notes",
)


def issues_list(store: Store, args: argparse.Namespace) -> int:
    event_id = (
        resolve_id(store, "events", args.event, field="event", label=_("Event"))
        if args.event
        else None
    )
    rows = issues.list_issues(
        store,
        status=args.status,
        event_id=event_id,
        theme=args.theme,
        partner_id=resolve_partner(store, args.partner),
        area_id=resolve_area(store, args.area),
        overdue=args.overdue,
    )
    return print_listing(
        rows,
        as_json=args.json,
        headers=[
            _("Id"),
            _("Raised"),
            _("Status"),
            _("Theme"),
            _("Issue"),
            _("Ward"),
            _("Partner"),
        ],
        cells=lambda row: (
            short_id(row["id"]),
            row["raised_on"],
            _("{status} (overdue)").format(status=ISSUE_STATUSES.label(row["status"]))
            if row["overdue"]
            else ISSUE_STATUSES.label(row["status"]),
            ISSUE_THEMES.label(row["theme"]),
            row["title"],
            row["ward"],
            row["partner"],
        ),
    )


def groups_list(store: Store, args: argparse.Namespace) -> int:
    rows = groups.list_groups(
        store,
        search=args.search,
        group_type=args.type,
        area_id=resolve_area(store, args.area),
        community=args.community,
        language=args.language,
    )
    return print_listing(
        rows,
        as_json=args.json,
        headers=[_("Id"), _("Group"), _("Type"), _("Communities"), _("Languages"), _("Ward")],
        cells=lambda row: (
            short_id(row["id"]),
            row["name"],
            GROUP_TYPES.label(row["group_type"]),
            ", ".join(row["communities"]),
            ", ".join(row["languages"]),
            row["ward"],
        ),
    )


def groups_edit(store: Store, args: argparse.Namespace) -> int:
    group_id = resolve_id(store, "community_groups", args.group, field="group", label=_("Group"))
    given = vars(args)
    fields = {field: given[field] for field in GROUP_TEXT_FIELDS if field in given}
    if "type" in given:
        fields["group_type"] = given["type"]
    if "area" in given:
        fields["area_id"] = resolve_area(store, given["area"])
    if not fields:
        raise ValidationError("group", _("Nothing to change: give at least one option to edit."))
    changed = groups.edit_group(store, group_id, **fields)
    print(
        ngettext("{count} field changed", "{count} fields changed", len(changed)).format(
            count=len(changed)
        )
    )
    return ExitCode.OK
