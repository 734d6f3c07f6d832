"""CLI commands for records: events, attendance, issues, groups, areas, partners."""

from __future__ import annotations

import argparse

from ceapp import areas, attendance, events, groups, issues, partners
from ceapp.cli.output import print_fields, print_json, print_listing, print_table, short_id
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, ngettext
from ceapp.lookup import resolve_area, resolve_id, resolve_partner
from ceapp.store import Store
from ceapp.vocab import ISSUE_STATUSES, ISSUE_THEMES, METHODS, SPECTRUM


def _event_fields(store: Store, args: argparse.Namespace) -> dict:
    """The event fields given as options (their dest is the field's name); --area and
    --partner are looked up by name. Options left out stay unchanged by edit."""
    given = vars(args)
    fields = {field: given[field] for field in events.EVENT_FIELDS if field in given}
    if "area" in given:
        fields["area_id"] = resolve_area(store, given["area"])
    if "partner" in given:
        fields["partner_id"] = resolve_partner(store, given["partner"])
    return fields


def _event_id(store: Store, text: str) -> str:
    return resolve_id(store, "events", text, field="event", label=_("Event"))


def _report_changed(changed: dict) -> int:
    print(
        ngettext("{count} field changed", "{count} fields changed", len(changed)).format(
            count=len(changed)
        )
    )
    return ExitCode.OK


def events_list(store: Store, args: argparse.Namespace) -> int:
    rows = events.list_events(
        store,
        search=args.search,
        limit=args.limit,
        area_id=resolve_area(store, args.area),
        partner_id=resolve_partner(store, args.partner),
        spectrum=args.spectrum,
        method=args.method,
        date_from=args.date_from,
        date_to=args.date_to,
    )
    return print_listing(
        rows,
        as_json=args.json,
        headers=[_("Id"), _("Starts"), _("Title"), _("Method"), _("Ward"), _("Attendance")],
        cells=lambda row: (
            short_id(row["id"]),
            row["starts_at"].replace("T", " "),
            row["title"],
            METHODS.label(row["method"]),
            row["ward"],
            "—" if row["attendance"] is None else row["attendance"],
        ),
    )


def events_add(store: Store, args: argparse.Namespace) -> int:
    event_id = events.add_event(store, **_event_fields(store, args))
    print(event_id)
    return ExitCode.OK


def events_show(store: Store, args: argparse.Namespace) -> int:
    event = events.get_event(store, _event_id(store, args.event))
    if args.json:
        print_json(event)
        return ExitCode.OK
    print_fields(
        [
            (_("Id"), event["id"]),
            (_("Title"), event["title"]),
            (_("Starts"), event["starts_at"].replace("T", " ")),
            (_("Ends"), (event["ends_at"] or "").replace("T", " ")),
            (_("Venue"), event["venue"]),
            (_("Engagement spectrum"), SPECTRUM.label(event["spectrum"])),
            (_("Method"), METHODS.label(event["method"])),
            (_("Audience"), event["audience"]),
            (_("Women only"), _("yes") if event["women_only"] else _("no")),
            (_("Accessibility provision"), event["accessibility"]),
            (_("Languages offered"), event["languages"]),
            (_("Consultation opens"), event["consultation_opens"]),
            (_("Consultation closes"), event["consultation_closes"]),
            (_("Exemption reason"), event["exemption_reason"]),
            (_("Outcomes"), event["outcomes"]),
            (
                _("Attendance"),
                [f"{role} {count}" for role, count in event["attendance"].items()],
            ),
            (_("Monitoring responses"), event["monitoring_responses"]),
            (_("Issues raised"), event["issues"]),
        ]
    )
    return ExitCode.OK


def events_edit(store: Store, args: argparse.Namespace) -> int:
    event_id = _event_id(store, args.event)
    fields = _event_fields(store, args)
    if not fields:
        raise ValidationError("event", _("Nothing to change: give at least one option to edit."))
    changed = events.edit_event(store, event_id, **fields)
    return _report_changed(changed)


def events_delete(store: Store, args: argparse.Namespace) -> int:
    event_id = _event_id(store, args.event)
    if not args.yes:
        raise ValidationError(
            "yes",
            _(
                "Deleting an event also deletes its attendance, monitoring responses and "
                "feedback. Add --yes to confirm."
            ),
        )
    removed = events.delete_event(store, event_id)
    print(
        ngettext("{count} record deleted", "{count} records deleted", removed).format(count=removed)
    )
    return ExitCode.OK


def attend(store: Store, args: argparse.Namespace) -> int:
    event_id = _event_id(store, args.event)
    attendance.add_count(store, event_id=event_id, role=args.role, count=args.count)
    total = attendance.role_total(store, event_id=event_id, role=args.role)
    print(_("{role}: {total}").format(role=args.role, total=total))
    return ExitCode.OK


def issues_add(store: Store, args: argparse.Namespace) -> int:
    issue_id = issues.add_issue(
        store,
        title=args.title,
        theme=args.theme,
        recorded_by=args.by,
        event_id=_event_id(store, args.event) if args.event else None,
        area_id=resolve_area(store, args.area),
        partner_id=resolve_partner(store, args.partner),
        detail=args.detail,
        report_back=args.report_back,
        raised_on=args.raised_on,
    )
    print(issue_id)
    return ExitCode.OK


def issues_update(store: Store, args: argparse.Namespace) -> int:
    issue_id = resolve_id(store, "issues", args.issue, field="issue", label=_("Issue"))
    changed = issues.update_issue(
        store,
        issue_id,
        changed_by=args.by,
        status=args.status,
        response=args.response,
        partner_id=resolve_partner(store, args.partner),
        report_back=args.report_back,
        theme=args.theme,
        note=args.note,
    )
    return _report_changed(changed)


def issues_show(store: Store, args: argparse.Namespace) -> int:
    issue = issues.get_issue(
        store, resolve_id(store, "issues", args.issue, field="issue", label=_("Issue"))
    )
    if args.json:
        print_json(issue)
        return ExitCode.OK
    print_fields(
        [
            (_("Id"), issue["id"]),
            (_("Issue"), issue["title"]),
            (_("Detail"), issue["detail"]),
            (_("Theme"), ISSUE_THEMES.label(issue["theme"])),
            (_("Status"), ISSUE_STATUSES.label(issue["status"])),
            (_("Response"), issue["response"]),
            (_("Report back"), _("yes") if issue["report_back"] else _("no")),
            (_("Date raised"), issue["raised_on"]),
        ]
    )
    print_table(
        [
            (row["changed_at"], ISSUE_STATUSES.label(row["status"]), row["changed_by"], row["note"])
            for row in issue["history"]
        ],
        [_("When"), _("Status"), _("Who"), _("Note")],
    )
    return ExitCode.OK


def groups_add(store: Store, args: argparse.Namespace) -> int:
    group_id = groups.add_group(
        store,
        name=args.name,
        group_type=args.type,
        communities=args.communities,
        area_id=resolve_area(store, args.area),
        languages=args.languages,
        contact_name=args.contact_name,
        contact_email=args.contact_email,
        contact_phone=args.contact_phone,
        contact_consent=args.contact_consent,
        notes=args.notes,
    )
    print(group_id)
    return ExitCode.OK


def areas_list(store: Store, args: argparse.Namespace) -> int:
    rows = areas.list_areas(store)
    return print_listing(
        rows,
        as_json=args.json,
        headers=[_("Id"), _("Ward"), _("Borough")],
        cells=lambda row: (short_id(row["id"]), row["ward"], row["borough"]),
    )


def areas_add(store: Store, args: argparse.Namespace) -> int:
    print(areas.add_area(store, borough=args.borough, ward=args.ward))
    return ExitCode.OK


def partners_list(store: Store, args: argparse.Namespace) -> int:
    rows = partners.list_partners(store)
    return print_listing(
        rows,
        as_json=args.json,
        headers=[_("Id"), _("Partner"), _("Kind")],
        cells=lambda row: (short_id(row["id"]), row["name"], row["kind"]),
    )


def partners_add(store: Store, args: argparse.Namespace) -> int:
    print(partners.add_partner(store, name=args.name, kind=args.kind))
    return ExitCode.OK
