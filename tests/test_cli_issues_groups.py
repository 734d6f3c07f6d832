"""Issue and group commands the window's filters and group editing match."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from factories import make_area, make_event, make_partner

from ceapp import changes, groups, issues
from ceapp.cli import main
from ceapp.store import open_store


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def listed(capsys, db: str, *argv) -> list[str]:
    code, out, err = run(capsys, "--db", db, *argv, "--json")
    assert code == 0, err
    return sorted(row.get("title") or row.get("name") for row in json.loads(out))


@pytest.fixture
def issues_db(db_path):
    """Four issues: old and recent, in two wards, with and without a partner."""
    today = date.today()
    with open_store(db_path) as store:
        belgrave = make_area(store, borough="Leicester", ward="Belgrave")
        make_area(store, borough="Leicester", ward="Abbey")
        police = make_partner(store, name="Leicestershire Police", kind="police")

        def add(title, theme, days_ago, **fields):
            return issues.add_issue(
                store,
                title=title,
                theme=theme,
                recorded_by="Asha",
                raised_on=(today - timedelta(days=days_ago)).isoformat(),
                **fields,
            )

        add("Broken streetlights", "environment", 40, area_id=belgrave)
        add("Drug dealing by the shops", "antisocial_behaviour", 20, partner_id=police)
        add("Bus shelter missing", "transport", 5, area_id=belgrave)
        answered = add("Damp flats", "housing", 90)
        issues.update_issue(
            store, answered, changed_by="Asha", status="answered", response="Surveyed."
        )
    return db_path


def test_issues_list_filters_by_theme_partner_area_and_overdue(issues_db, capsys):
    assert listed(capsys, issues_db, "issues", "list", "--theme", "transport") == [
        "Bus shelter missing"
    ]
    assert listed(capsys, issues_db, "issues", "list", "--partner", "leicestershire police") == [
        "Drug dealing by the shops"
    ]
    assert listed(capsys, issues_db, "issues", "list", "--area", "Belgrave") == [
        "Broken streetlights",
        "Bus shelter missing",
    ]
    # 40 days past the 28-day target; antisocial behaviour past its 14; answered is never overdue.
    assert listed(capsys, issues_db, "issues", "list", "--overdue") == [
        "Broken streetlights",
        "Drug dealing by the shops",
    ]
    code, out, _err = run(capsys, "--db", issues_db, "issues", "list", "--overdue")
    assert code == 0 and "Open (overdue)" in out


def test_issues_list_refuses_an_unknown_theme_or_area(issues_db, capsys):
    code, _out, err = run(capsys, "--db", issues_db, "issues", "list", "--theme", "potholes")
    assert code == 2 and "Theme" in err
    code, _out, err = run(capsys, "--db", issues_db, "issues", "list", "--area", "Nowhere")
    assert code == 2 and "no area" in err


def test_overdue_uses_the_theme_target_and_the_given_day():
    issue = {"status": "open", "theme": "housing", "raised_on": "2026-01-01"}
    assert not issues.is_overdue(issue, date(2026, 1, 29))
    assert issues.is_overdue(issue, date(2026, 1, 30))
    safety = {**issue, "theme": "community_safety"}
    assert issues.is_overdue(safety, date(2026, 1, 16))
    assert not issues.is_overdue({**issue, "status": "closed"}, date(2027, 1, 1))


@pytest.fixture
def groups_db(db_path):
    with open_store(db_path) as store:
        belgrave = make_area(store, borough="Leicester", ward="Belgrave")
        groups.add_group(
            store,
            name="Belgrave Elders",
            group_type="older_people",
            communities="Gujarati",
            languages="gu,en",
            area_id=belgrave,
            contact_name="Hansa Patel",
            contact_email="hansa@example.org",
            contact_consent=True,
        )
        groups.add_group(
            store,
            name="Somali Youth Link",
            group_type="youth",
            languages="so,en",
            communities="Somali",
        )
    return db_path


def test_groups_list_filters_by_type_area_community_and_language(groups_db, capsys):
    assert listed(capsys, groups_db, "groups", "list", "--type", "youth") == ["Somali Youth Link"]
    assert listed(capsys, groups_db, "groups", "list", "--area", "Belgrave") == ["Belgrave Elders"]
    assert listed(capsys, groups_db, "groups", "list", "--community", "somal") == [
        "Somali Youth Link"
    ]
    assert listed(capsys, groups_db, "groups", "list", "--language", "gu") == ["Belgrave Elders"]
    assert listed(capsys, groups_db, "groups", "list", "--language", "en") == [
        "Belgrave Elders",
        "Somali Youth Link",
    ]
    code, _out, err = run(capsys, "--db", groups_db, "groups", "list", "--type", "club")
    assert code == 2 and "Type of group" in err


def test_groups_edit_changes_fields_and_withdrawing_consent_erases_contact(groups_db, capsys):
    code, out, err = run(
        capsys,
        "--db",
        groups_db,
        "groups",
        "edit",
        _id(groups_db),
        "--name",
        "Belgrave Elders Club",
        "--languages",
        "gu",
    )
    assert code == 0, err
    assert "2 fields changed" in out
    code, out, err = run(
        capsys, "--db", groups_db, "groups", "edit", _id(groups_db), "--contact-consent", "no"
    )
    assert code == 0, err
    with open_store(groups_db) as store:
        group = changes.read(store, "community_groups", _id(groups_db, full=True))
        assert group["name"] == "Belgrave Elders Club"
        assert not group["contact_consent"]
        assert group["contact_name"] is None and group["contact_email"] is None
        # Erased from the change log too, not only from the record.
        logged = store.scalar("SELECT count(*) FROM changes WHERE value LIKE '%hansa%'")
        assert logged == 0


def test_groups_edit_needs_an_option_and_refuses_contact_without_consent(groups_db, capsys):
    code, _out, err = run(capsys, "--db", groups_db, "groups", "edit", _id(groups_db, 1))
    assert code == 2 and "Nothing to change" in err
    code, _out, err = run(
        capsys,
        "--db",
        groups_db,
        "groups",
        "edit",
        _id(groups_db, 1),
        "--contact-email",
        "link@example.org",
    )
    assert code == 2 and "consent" in err


def _id(db: str, index: int = 0, *, full: bool = False) -> str:
    """A group's id as a person types it from `groups list` (its first characters)."""
    with open_store(db) as store:
        group_id = store.query("SELECT id FROM community_groups ORDER BY name")[index]["id"]
    return group_id if full else group_id[:8]


def test_last_took_part_is_the_latest_past_event_in_the_ward_naming_the_group(store):
    belgrave = make_area(store, borough="Leicester", ward="Belgrave")
    abbey = make_area(store, borough="Leicester", ward="Abbey")
    elders = groups.add_group(
        store,
        name="Belgrave Elders",
        group_type="older_people",
        communities="Gujarati",
        area_id=belgrave,
    )
    wardless = groups.add_group(store, name="Online Forum", group_type="other")
    make_event(
        store,
        title="Gujarati coffee morning",
        starts_at="2026-02-01 10:00",
        ends_at=None,
        area_id=belgrave,
    )
    make_event(
        store,
        title="Forum",
        audience="Belgrave Elders and friends",
        starts_at="2026-03-01 10:00",
        ends_at=None,
        area_id=belgrave,
    )
    # Elsewhere, or not about them, or not yet held: none of these count.
    make_event(
        store, title="Gujarati lunch", starts_at="2026-04-01 10:00", ends_at=None, area_id=abbey
    )
    make_event(
        store, title="Bin collections", starts_at="2026-04-02 10:00", ends_at=None, area_id=belgrave
    )
    make_event(
        store,
        title="Belgrave Elders AGM",
        starts_at="2026-06-01 10:00",
        ends_at=None,
        area_id=belgrave,
    )
    found = groups.last_took_part(store, today=date(2026, 5, 1))
    assert found == {elders: "2026-03-01", wardless: None}
