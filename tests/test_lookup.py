"""Finding records from what people type: ids, names, searches, language codes."""

from __future__ import annotations

import pytest
from factories import make_area, make_event

from ceapp import events, groups, languages, monitoring
from ceapp.errors import ValidationError
from ceapp.lookup import MAX_SEARCH, contains_pattern, resolve_area, resolve_id, resolve_partner


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


def test_search_text_is_limited_well_below_sqlites_pattern_limit(store):
    make_event(store, title="Spring forum")
    # SQLite refuses LIKE patterns over 50,000 bytes; escaping can double the
    # text and UTF-8 takes up to four bytes a character.
    assert len(contains_pattern("%" * MAX_SEARCH).encode()) < 50_000
    assert len(contains_pattern("\U0010ffff" * MAX_SEARCH).encode()) < 50_000
    assert events.list_events(store, search=" forum " + " " * 500) != []
    with pytest.raises(ValidationError, match="too long \\(201 characters\\)") as caught:
        events.list_events(store, search="f" * 201)
    assert caught.value.field == "search"
    with pytest.raises(ValidationError, match="use at most 200"):
        groups.list_groups(store, search="é" * 30_000)


def test_lookup_messages_quote_an_excerpt(store):
    make_area(store, borough="Tower Hamlets", ward="Poplar")
    for lookup in (
        lambda text: resolve_id(store, "events", text, field="event", label="Event"),
        lambda text: resolve_area(store, text),
        lambda text: resolve_partner(store, text),
    ):
        with pytest.raises(ValidationError) as caught:
            lookup("\x1b[2J" + "z" * 100_000)
        message = str(caught.value)
        assert "\\x1b[2" in message and "zzz…" in message
        assert len(message) < 200 and "\x1b" not in message
