"""Every validation rule: the field it names, what its message says, and that nothing was saved."""

from __future__ import annotations

import pytest
from factories import event_fields, make_area, make_event, make_partner, row_counts

from ceapp import (
    areas,
    attendance,
    events,
    feedback,
    groups,
    issues,
    monitoring,
    partners,
    validation,
)
from ceapp.errors import ValidationError
from ceapp.fingerprint import fingerprint

MISSING_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def ctx(store):
    """Records for the rules that refer to others; made before the snapshot."""
    area = make_area(store)
    partner = make_partner(store)
    event = make_event(store, area_id=area, partner_id=partner)
    issue = issues.add_issue(store, title="Broken lights", theme="environment", recorded_by="Sam")
    attendance.add_count(store, event_id=event, role="resident", count=3)
    return {"store": store, "area": area, "partner": partner, "event": event, "issue": issue}


def _snapshot(store):
    # Row counts catch an insert (and its log rows); the fingerprint catches an edit.
    return row_counts(store), fingerprint(store)


def _event(c, **fields):
    return make_event(c["store"], **fields)


def _group(c, **fields):
    return groups.add_group(c["store"], **{"name": "Tenants", "group_type": "faith", **fields})


def _window(opens, closes, **more):
    return {"consultation_opens": opens, "consultation_closes": closes, **more}


# (id, write, field named, words the message must contain)
REFUSED = [
    # -- text
    ("title required", lambda c: _event(c, title="   "), "title", "Title is required"),
    ("title missing", lambda c: _event(c, title=None), "title", "please fill it in"),
    ("title not text", lambda c: _event(c, title=42), "title", "Title must be text"),
    (
        "title too long",
        lambda c: _event(c, title="x" * 201),
        "title",
        "too long (201 characters); shorten it to 200",
    ),
    (
        "outcomes too long",
        lambda c: _event(c, outcomes="x" * 10_001),
        "outcomes",
        "shorten it to 10000",
    ),
    (
        "control characters",
        lambda c: _event(c, title="Forum\x07 bell"),
        "title",
        "contains a control character (\\x07); retype it as plain text",
    ),
    ("nul character", lambda c: _event(c, venue="Hall\x00"), "venue", "control character (\\x00)"),
    ("delete character", lambda c: _event(c, title="Forum\x7f"), "title", "(\\x7f)"),
    ("c1 control", lambda c: _event(c, audience="Elders\x9b2J"), "audience", "(\\x9b)"),
    (
        "bidi override",
        lambda c: _event(c, title="Forum \u202eexe.pdf"),
        "title",
        "invisible character that changes the direction of text (\\u202e); retype it",
    ),
    ("bidi isolate", lambda c: _event(c, venue="\u2067Hall\u2069"), "venue", "(\\u2067)"),
    (
        "noncharacter",
        lambda c: _event(c, outcomes="Agreed\uffff"),
        "outcomes",
        "something that is not a character (\\uffff); retype it as plain text",
    ),
    ("lone surrogate", lambda c: _event(c, title="Caf\udce9"), "title", "(\\xe9)"),
    (
        "escape sequence in an issue",
        lambda c: issues.add_issue(c["store"], title="\x1b[2J", theme="housing", recorded_by="Sam"),
        "title",
        "control character (\\x1b)",
    ),
    # -- dates and times
    (
        "start not a date",
        lambda c: _event(c, starts_at="14/03/2026 6pm"),
        "starts_at",
        "is not a date and time; write it as 2026-03-14 18:30",
    ),
    ("start missing", lambda c: _event(c, starts_at=None), "starts_at", "not a date and time"),
    ("end impossible", lambda c: _event(c, ends_at="2026-02-30 10:00"), "ends_at", "not a date"),
    (
        "end before start",
        lambda c: _event(c, ends_at="2026-03-14 17:00"),
        "ends_at",
        "ends before it starts",
    ),
    (
        "consultation date malformed",
        lambda c: _event(c, **_window("2026-13-01", "2026-12-01")),
        "consultation_opens",
        "is not a date; write it as 2026-03-14",
    ),
    # -- fixed vocabularies
    (
        "unknown spectrum",
        lambda c: _event(c, spectrum="shouting"),
        "spectrum",
        "'shouting' is not one of the allowed values: information_giving, consultation",
    ),
    ("spectrum missing", lambda c: _event(c, spectrum=None), "spectrum", "allowed values"),
    ("unknown method", lambda c: _event(c, method="seance"), "method", "area_forum"),
    (
        "unknown accessibility",
        lambda c: _event(c, accessibility=["step_free", "jetpack"]),
        "accessibility",
        "'jetpack' is not one of the allowed values",
    ),
    (
        "unknown language",
        lambda c: _event(c, languages="en, klingon"),
        "languages",
        "'klingon' is not a language code. Use codes such as en, bn",
    ),
    ("women_only not yes/no", lambda c: _event(c, women_only="maybe"), "women_only", "yes or no"),
    (
        "unknown role",
        lambda c: attendance.add_count(c["store"], event_id=c["event"], role="dog"),
        "role",
        "'dog' is not one of the allowed values: resident",
    ),
    (
        "unknown theme",
        lambda c: issues.add_issue(c["store"], title="X", theme="aliens", recorded_by="Sam"),
        "theme",
        "'aliens' is not one of the allowed values",
    ),
    (
        "unknown status",
        lambda c: issues.update_issue(c["store"], c["issue"], changed_by="Sam", status="lost"),
        "status",
        "'lost' is not one of the allowed values: open",
    ),
    (
        "unknown group type",
        lambda c: _group(c, group_type="secret_society"),
        "group_type",
        "allowed values",
    ),
    (
        "unknown partner kind",
        lambda c: partners.add_partner(c["store"], name="Acme", kind="pirates"),
        "kind",
        "'pirates' is not one of the allowed values: council",
    ),
    (
        "unknown group language",
        lambda c: _group(c, languages=["zz"]),
        "languages",
        "not a language code",
    ),
    (
        "unknown feedback language",
        lambda c: feedback.add_feedback(
            c["store"],
            event_id=c["event"],
            language="xx",
            answers={"q1": "ok"},
            received_on="2026-03-20",
        ),
        "language",
        "not a language code",
    ),
    # -- contact details
    (
        "bad email",
        lambda c: _group(c, contact_email="amina.example.org", contact_consent=True),
        "contact_email",
        "not an email address; check for a missing @ or dot",
    ),
    (
        "contact without consent",
        lambda c: _group(c, contact_name="Amina", contact_phone="07700 900123"),
        "contact_consent",
        "only be kept when the contact has agreed",
    ),
    (
        "email without consent",
        lambda c: _group(c, contact_email="amina@example.org"),
        "contact_consent",
        "Record their consent",
    ),
    # -- consultation windows
    (
        "window with only an opening date",
        lambda c: _event(c, **_window("2026-01-05", None)),
        "consultation_closes",
        "needs both an opening and a closing date",
    ),
    (
        "window with only a closing date",
        lambda c: _event(c, **_window(None, "2026-03-30")),
        "consultation_opens",
        "needs both",
    ),
    (
        "window closes before it opens",
        lambda c: _event(c, **_window("2026-03-30", "2026-01-05")),
        "consultation_closes",
        "closes before it opens",
    ),
    (
        "window under twelve weeks",
        lambda c: _event(c, **_window("2026-01-05", "2026-03-29")),
        "exemption_reason",
        "runs 83 days; the minimum is 12 weeks",
    ),
    (
        "one-day window, singular",
        lambda c: _event(c, **_window("2026-01-05", "2026-01-06")),
        "exemption_reason",
        "runs 1 day; the minimum",
    ),
    (
        "blank exemption does not count",
        lambda c: _event(c, **_window("2026-01-05", "2026-01-20", exemption_reason="   ")),
        "exemption_reason",
        "record why this one is exempt",
    ),
    # -- references to other records
    (
        "missing area",
        lambda c: _event(c, area_id=MISSING_ID),
        "area_id",
        f"there is no record with id '{MISSING_ID}'",
    ),
    ("missing partner", lambda c: _event(c, partner_id="nope"), "partner_id", "no record"),
    (
        "count for a missing event",
        lambda c: attendance.add_count(c["store"], event_id=MISSING_ID, role="resident"),
        "event_id",
        "no record with id",
    ),
    (
        "count with no event",
        lambda c: attendance.add_count(c["store"], event_id=None, role="resident"),
        "event_id",
        "Event is required: please choose one",
    ),
    (
        "issue at a missing event",
        lambda c: issues.add_issue(
            c["store"], title="X", theme="housing", recorded_by="Sam", event_id=MISSING_ID
        ),
        "event_id",
        "no record",
    ),
    (
        "issue for a missing partner",
        lambda c: issues.update_issue(c["store"], c["issue"], changed_by="Sam", partner_id="p"),
        "partner_id",
        "no record",
    ),
    (
        "group in a missing area",
        lambda c: _group(c, area_id=MISSING_ID),
        "area_id",
        "no record",
    ),
    (
        "slip for a missing event",
        lambda c: monitoring.add_response(c["store"], event_id=MISSING_ID, answers={}),
        "event_id",
        "no record",
    ),
    # -- attendance counts
    (
        "count zero",
        lambda c: attendance.add_count(c["store"], event_id=c["event"], role="resident", count=0),
        "count",
        "Count is zero; enter how many people to add",
    ),
    (
        "count not a number",
        lambda c: attendance.add_count(
            c["store"], event_id=c["event"], role="resident", count="lots"
        ),
        "count",
        "must be a whole number, not 'lots'",
    ),
    (
        "count a fraction",
        lambda c: attendance.add_count(
            c["store"], event_id=c["event"], role="resident", count="2.5"
        ),
        "count",
        "whole number",
    ),
    (
        "count huge",
        lambda c: attendance.add_count(
            c["store"], event_id=c["event"], role="resident", count="1" + "0" * 30
        ),
        "count",
        "Count '1000000000000000000000000000000' is out of range; give a number from",
    ),
    (
        "count of thousands of digits",
        lambda c: attendance.add_count(
            c["store"], event_id=c["event"], role="resident", count="-" + "9" * 5000
        ),
        "count",
        "'-99999999999999999999999999999999999999…' is out of range",
    ),
    (
        "count too large",
        lambda c: attendance.add_count(
            c["store"], event_id=c["event"], role="resident", count=10_001
        ),
        "count",
        "10001 is more than 10000 people in one entry; check the number",
    ),
    (
        "count would go negative",
        lambda c: attendance.add_count(c["store"], event_id=c["event"], role="resident", count=-4),
        "count",
        "only 3 are recorded, so you can take away at most 3",
    ),
    (
        "take away from a role with none",
        lambda c: attendance.add_count(
            c["store"], event_id=c["event"], role="councillor", count=-1
        ),
        "count",
        "take away at most 0",
    ),
    # -- the named register
    (
        "register entry without consent",
        lambda c: attendance.add_register_entry(
            c["store"], event_id=c["event"], name="Ada", consent=False, consent_recorded_by="Sam"
        ),
        "consent",
        "only go on the register with the person's consent",
    ),
    (
        "register entry without a name",
        lambda c: attendance.add_register_entry(
            c["store"], event_id=c["event"], name="", consent=True, consent_recorded_by="Sam"
        ),
        "name",
        "Name is required",
    ),
    # -- equality monitoring
    (
        "unknown question",
        lambda c: monitoring.add_response(
            c["store"], event_id=c["event"], answers={"postcode": "E1 6QL"}
        ),
        "postcode",
        "There is no monitoring question called postcode",
    ),
    (
        "unknown answer code",
        lambda c: monitoring.add_response(
            c["store"], event_id=c["event"], answers={"age_band": "ancient"}
        ),
        "age_band",
        "'ancient' is not one of the allowed values",
    ),
    (
        "no condition but limited a lot",
        lambda c: monitoring.add_response(
            c["store"],
            event_id=c["event"],
            answers={"long_term_condition": "no", "condition_impact": "a_lot"},
        ),
        "condition_impact",
        "says no long-term condition but that one reduces day-to-day activities",
    ),
    (
        "no condition but limited a little",
        lambda c: monitoring.add_response(
            c["store"],
            event_id=c["event"],
            answers={"long_term_condition": "no", "condition_impact": "a_little"},
        ),
        "condition_impact",
        "check the slip",
    ),
    # -- issues
    (
        "answered without a response",
        lambda c: issues.update_issue(c["store"], c["issue"], changed_by="Sam", status="answered"),
        "response",
        "Write the response before marking the issue Answered",
    ),
    (
        "status change with nobody named",
        lambda c: issues.update_issue(c["store"], c["issue"], changed_by=" ", status="closed"),
        "changed_by",
        "is required",
    ),
    # -- duplicates
    (
        "duplicate area",
        lambda c: areas.add_area(c["store"], borough="tower hamlets", ward="SPITALFIELDS"),
        "ward",
        "SPITALFIELDS (tower hamlets) is already recorded; choose it instead",
    ),
    (
        "duplicate partner",
        lambda c: partners.add_partner(c["store"], name="tower hamlets council", kind="council"),
        "name",
        "is already a partner; choose it instead",
    ),
    # -- editing
    (
        "edit an unknown event field",
        lambda c: events.edit_event(c["store"], c["event"], colour="blue"),
        "colour",
        "Events have no field called colour",
    ),
    (
        "edit into an invalid event",
        lambda c: events.edit_event(c["store"], c["event"], ends_at="2026-03-14 09:00"),
        "ends_at",
        "ends before it starts",
    ),
    # -- feedback sheets
    (
        "feedback with no answers",
        lambda c: feedback.add_feedback(
            c["store"], event_id=c["event"], language="en", answers={}, received_on="2026-03-20"
        ),
        "answers",
        "The sheet has no answers; type at least one",
    ),
    (
        "feedback answers not a mapping",
        lambda c: feedback.add_feedback(
            c["store"],
            event_id=c["event"],
            language="en",
            answers=["ok"],
            received_on="2026-03-20",
        ),
        "answers",
        "no answers",
    ),
    (
        "feedback date malformed",
        lambda c: feedback.add_feedback(
            c["store"],
            event_id=c["event"],
            language="en",
            answers={"q1": "ok"},
            received_on="last Tuesday",
        ),
        "received_on",
        "'last Tuesday' is not a date",
    ),
]


@pytest.mark.parametrize(
    ("write", "field", "words"),
    [pytest.param(write, field, words, id=name) for name, write, field, words in REFUSED],
)
def test_rule_refuses_with_field_and_message(ctx, write, field, words):
    before = _snapshot(ctx["store"])
    with pytest.raises(ValidationError) as caught:
        write(ctx)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert caught.value.message == str(caught.value)
    assert _snapshot(ctx["store"]) == before


def test_rule_table_names_each_case_once():
    names = [name for name, *_rest in REFUSED]
    assert len(names) == len(set(names))


# -- what the rules accept, and how they tidy it --------------------------------


def test_exemption_reason_allows_a_short_consultation(ctx):
    store = ctx["store"]
    event = _event(
        ctx, **_window("2026-01-05", "2026-01-20", exemption_reason="Statutory deadline")
    )
    saved = events.get_event(store, event)
    assert saved["exemption_reason"] == "Statutory deadline"
    assert (saved["consultation_opens"], saved["consultation_closes"]) == (
        "2026-01-05",
        "2026-01-20",
    )


def test_twelve_weeks_exactly_needs_no_exemption(ctx):
    event = _event(ctx, **_window("2026-01-05", "2026-03-30"))
    assert events.get_event(ctx["store"], event)["exemption_reason"] is None


def test_event_values_are_tidied(ctx):
    event = _event(
        ctx,
        title="  Spring forum  ",
        starts_at="2026-03-14",
        ends_at="2026-03-14T21:00:00",
        languages="en-GB, bn, bn",
        accessibility="hearing_loop, step_free, hearing_loop",
        women_only="yes",
        outcomes="Agreed:\r\n- more bins\r\n- a zebra crossing",
    )
    saved = events.get_event(ctx["store"], event)
    assert saved["title"] == "Spring forum"
    assert saved["starts_at"] == "2026-03-14T00:00"
    assert saved["ends_at"] == "2026-03-14T21:00"
    assert saved["languages"] == ["bn", "en_GB"]
    assert saved["accessibility"] == ["step_free", "hearing_loop"]
    assert saved["women_only"] is True
    assert saved["outcomes"] == "Agreed:\n- more bins\n- a zebra crossing"


def test_contact_details_kept_with_consent(ctx):
    group = _group(
        ctx, contact_name="Amina", contact_email="amina@example.org", contact_consent="yes"
    )
    row = ctx["store"].query("SELECT * FROM community_groups WHERE id = ?", (group,))[0]
    assert (row["contact_email"], row["contact_consent"]) == ("amina@example.org", 1)


def test_monitoring_gaps_are_kept_as_not_answered(ctx):
    response = monitoring.add_response(
        ctx["store"],
        event_id=ctx["event"],
        answers={"sex": "prefer_not_to_say", "long_term_condition": "yes"},
    )
    row = ctx["store"].query("SELECT * FROM monitoring_responses WHERE id = ?", (response,))[0]
    # "Prefer not to say" and "not answered" are different answers.
    assert row["sex"] == "prefer_not_to_say"
    assert row["age_band"] == "not_answered"
    assert row["condition_impact"] == "not_answered"


def test_answered_issue_with_response_is_accepted(ctx):
    store = ctx["store"]
    issues.update_issue(
        store, ctx["issue"], changed_by="Sam", status="answered", response="Lights fixed"
    )
    issue = issues.get_issue(store, ctx["issue"])
    assert (issue["status"], issue["response"]) == ("answered", "Lights fixed")
    assert [entry["status"] for entry in issue["history"]] == ["open", "answered"]


def test_same_ward_in_another_borough_is_not_a_duplicate(ctx):
    assert make_area(ctx["store"], borough="Hackney", ward="Spitalfields")


def test_event_fields_helper_is_itself_valid(ctx):
    # The base event the refusal table varies must pass, or every case above
    # could be failing for the wrong reason.
    before = row_counts(ctx["store"])["events"]
    make_event(ctx["store"], **event_fields())
    assert row_counts(ctx["store"])["events"] == before + 1


def test_joiners_and_direction_marks_are_allowed(ctx):
    # ZWNJ and ZWJ shape Bengali and Persian words; LRM and RLM place punctuation.
    title = "নমস্কার\u200c সভা \u200d می\u200cخواهم \u200f(A)\u200e"
    event = _event(ctx, title=title, venue="Hall\tB")
    saved = events.get_event(ctx["store"], event)
    assert (saved["title"], saved["venue"]) == (title, "Hall\tB")


def test_every_bidi_control_is_refused(ctx):
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        with pytest.raises(ValidationError, match="direction of text"):
            validation.text("title", f"a{chr(code)}b", label="Title")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain", "plain"),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        ("x" * 100_000, "x" * 39 + "…"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\u202eevil", "\\u202eevil"),
        ("caf\udce9", "caf\\xe9"),
        ("two\nlines\tand tab", "two\\x0alines\\x09and tab"),
        ("\U0010ffff", "\\U0010ffff"),
        ("বাং\u200dলা", "বাং\u200dলা"),
        (None, ""),
        (12, "12"),
        # An escape is never cut in half: it goes whole or not at all.
        ("x" * 36 + "\x1b", "x" * 36 + "\\x1b"),
        ("x" * 37 + "\x1b", "x" * 37 + "…"),
    ],
)
def test_excerpt_is_short_and_escaped(value, shown):
    assert validation.excerpt(value) == shown
    assert len(validation.excerpt(value)) <= validation.EXCERPT_LENGTH


def test_escape_can_keep_lines():
    assert validation.escape("a\tb\nc\x1b") == "a\\x09b\\x0ac\\x1b"
    assert validation.escape("a\tb\nc\x1b", keep_lines=True) == "a\tb\nc\\x1b"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-13-01", "'2026-13-01' is not a date"),
        ("\x1b[2J" * 100, "'\\x1b[2J\\x1b[2J"),
    ],
)
def test_refusals_quote_an_excerpt(value, words):
    with pytest.raises(ValidationError) as caught:
        validation.date_text("day", value, label="Day")
    assert words in str(caught.value)
    assert len(str(caught.value)) < 120 and "\x1b" not in str(caught.value)
