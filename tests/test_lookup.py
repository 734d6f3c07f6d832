"""Finding records from what people type: ids, names, searches, language codes."""

from __future__ import annotations

import pytest
from factories import make_area, make_event

from ceapp import events, groups, languages, monitoring
from ceapp.errors import ValidationError
from ceapp.lookup import resolve_area, resolve_id


def test_search_takes_percent_and_underscore_literally(store):
    for title in ("Pay 50% less", "Pay 50 less", "under_16 club", "under 16 club"):
        make_event(store, title=title)
    assert [e["title"] for e in events.list_events(store, search="50%")] == ["Pay 50% less"]
    assert [e["title"] for e in events.list_events(store, search="under_16")] == ["under_16 club"]
    assert events.count_events(store, search="%") == 1
    groups.add_group(store, name="100% Youth", group_type="youth")
    groups.add_group(store, name="Youth 100", group_type="youth")
    assert [g["name"] for g in groups.list_groups(store, search="100%")] == ["100% Youth"]


def test_short_ids_resolve_when_unique(store):
    event_id = make_event(store)
    assert resolve_id(store, "events", event_id[:6].upper(), field="event", label="Event") == (
        event_id
    )
    with pytest.raises(ValidationError, match="at least 4"):
        resolve_id(store, "events", "ab", field="event", label="Event")


def test_areas_resolve_by_ward_or_ward_and_borough(store):
    poplar = make_area(store, borough="Tower Hamlets", ward="Poplar")
    make_area(store, borough="Somewhere Else", ward="Poplar")
    assert resolve_area(store, "Poplar, tower hamlets") == poplar
    with pytest.raises(ValidationError, match="add the borough"):
        resolve_area(store, "poplar")


@pytest.mark.parametrize(
    ("typed", "code"),
    [("bn", "bn"), ("en-gb", "en_GB"), ("SYL", "syl"), ("pa_Arab", "pa_Arab"), ("ckb", "ckb")],
)
def test_language_codes_are_normalised(typed, code):
    assert languages.normalise(typed) == code


@pytest.mark.parametrize("typed", ["und", "root", "en_ZZ", "xx", "bengali", ""])
def test_language_codes_that_are_not_languages_are_refused(typed):
    assert languages.normalise(typed) is None


def test_language_names_come_from_locale_data():
    assert languages.display_name("so", in_language="so") == "Soomaali"
    assert languages.display_name("syl") == "Sylheti"


def test_monitoring_answers_must_be_a_mapping(store):
    with pytest.raises(ValidationError) as caught:
        monitoring.add_response(store, event_id=make_event(store), answers=None)
    assert caught.value.field == "answers"
