"""An event's own sheet questions: kept, printed, answered, counted, synchronised."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from cli_run import run_cli
from factories import make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sheet_layout import _check_inside_and_apart, _titles

from ceapp import event_questions, influence, sheet_answers
from ceapp.disclosure import Rule
from ceapp.errors import ValidationError
from ceapp.fingerprint import fingerprint
from ceapp.reports.selection import Selection
from ceapp.sheets import catalogs, layout
from ceapp.sheets.fonts import covers
from ceapp.sheets.script_runs import never_drawn
from ceapp.store import open_store
from ceapp.sync import exchange, identity, trust

LIBRARY = {
    "en": "The library should open on Saturday afternoons.",
    "pl": "Biblioteka powinna być otwarta w soboty po południu.",
    "ar": "يجب أن تفتح مكتبة Whitechapel أبوابها بعد ظهر يوم السبت.",
    "bn": "Whitechapel লাইব্রেরি শনিবার বিকেলেও খোলা থাকা উচিত।",
    "el": "Η βιβλιοθήκη πρέπει να είναι ανοιχτή τα απογεύματα του Σαββάτου.",
}
PARK = "What would make Altab Ali Park feel safer after dark?"
LANGUAGES = ("en", "pl", "el", "ar", "ur", "bn", "pa")


@pytest.fixture
def event(store):
    return make_event(store, title="Whitechapel forum", venue="Idea Store")


def _questions(store, event_id) -> list[dict]:
    return event_questions.list_questions(store, event_id)


def test_questions_are_numbered_after_the_standard_four_in_their_order(store, event):
    first = event_questions.add_question(store, event_id=event, kind="agree", text=LIBRARY["en"])
    second = event_questions.add_question(store, event_id=event, kind="write", text=PARK)
    third = event_questions.add_question(store, event_id=event, kind="yes_no", text="Did you vote?")
    assert [(q["id"], q["number"]) for q in _questions(store, event)] == [
        (first, 5),
        (second, 6),
        (third, 7),
    ]
    event_questions.move_question(store, third, -1)
    assert [q["id"] for q in _questions(store, event)] == [first, third, second]
    event_questions.move_question(store, first, -1)  # already first: nothing moves
    assert [q["id"] for q in _questions(store, event)] == [first, third, second]
    removed = event_questions.remove_question(store, third)
    assert [q["number"] for q in _questions(store, event)] == [5, 6]
    restored = event_questions.restore_question(store, removed)
    assert [q["id"] for q in _questions(store, event)] == [first, restored, second]


def test_translations_are_set_and_removed_but_the_english_stays(store, event):
    question = event_questions.add_question(
        store, event_id=event, kind="agree", text=LIBRARY["en"], texts={"pl": LIBRARY["pl"]}
    )
    event_questions.set_text(store, question, "ar", LIBRARY["ar"])
    stored = event_questions.get_question(store, question)
    assert stored["texts"] == {code: LIBRARY[code] for code in ("en", "pl", "ar")}
    assert event_questions.text_in(stored, "ar") == (LIBRARY["ar"], False)
    assert event_questions.text_in(stored, "so") == (LIBRARY["en"], True)
    event_questions.set_text(store, question, "pl", "  ")
    assert "pl" not in event_questions.get_question(store, question)["texts"]
    before = fingerprint(store)
    with pytest.raises(ValidationError, match="required"):
        event_questions.set_text(store, question, "en", "")
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s, e, q: event_questions.add_question(s, event_id=e, kind="scale", text="x"),
            "not one of the allowed values: agree, yes_no, write",
        ),
        (
            lambda s, e, q: event_questions.add_question(
                s, event_id="nope", kind="agree", text="x"
            ),
            "Event",
        ),
        (
            lambda s, e, q: event_questions.add_question(
                s, event_id=e, kind="agree", text="x" * 301
            ),
            "shorten it to 300",
        ),
        (lambda s, e, q: event_questions.set_text(s, q, "xx", "x"), "not a sheet language"),
        (
            lambda s, e, q: event_questions.set_text(s, q, "pl", "ok \U00013000"),
            "no sheet font can print \\(U\\+13000\\)",
        ),
        (lambda s, e, q: event_questions.set_text(s, q, "pl", "\u202eevil"), "direction of text"),
        (lambda s, e, q: event_questions.set_kind(s, "missing-id", "agree"), "No question"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(store, event, change, message):
    question = event_questions.add_question(store, event_id=event, kind="agree", text="Fine?")
    before = fingerprint(store)
    with pytest.raises(Exception, match=message):
        change(store, event, question)
    assert fingerprint(store) == before


def test_a_sheet_has_room_for_eight_questions_of_the_events_own(store, event):
    for number in range(event_questions.MAX_QUESTIONS):
        event_questions.add_question(store, event_id=event, kind="yes_no", text=f"Q{number}?")
    before = fingerprint(store)
    with pytest.raises(ValidationError, match="remove one to add another"):
        event_questions.add_question(store, event_id=event, kind="yes_no", text="One more?")
    assert fingerprint(store) == before


# -- on the printed sheet -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("questions") / "ceapp.db")
    with open_store(path) as store:
        event_id = make_event(store, title="Whitechapel forum", venue="Idea Store")
        event_questions.add_question(
            store,
            event_id=event_id,
            kind="agree",
            text=LIBRARY["en"],
            texts={code: text for code, text in LIBRARY.items() if code != "en"},
        )
        event_questions.add_question(store, event_id=event_id, kind="write", text=PARK)
        event_questions.add_question(store, event_id=event_id, kind="yes_no", text="Did you vote?")
        return {
            (language, size): layout.build_sheet(store, event_id, language, size=size)
            for language in LANGUAGES
            for size in (18, 24)
        }


def test_own_questions_print_with_their_answer_boxes_inside_the_margins(sheets):
    for (language, size), sheet in sheets.items():
        _check_inside_and_apart(sheet)
        boxes = [item for page in sheet.pages for item in page if item.kind == "box"]
        # The standard 5 + 5 + 2, the agree scale's 5 and yes/no's 2.
        assert len(boxes) == 19, (language, size)
        for drawn in sheet.drawn:
            visible = "".join(character for character in drawn.text if not never_drawn(character))
            assert covers(drawn.family, visible), (language, size, drawn)


def test_a_question_without_text_in_the_sheets_language_prints_in_english_and_is_reported(
    sheets,
):
    assert sheets["en", 18].untranslated_questions == []
    assert sheets["pl", 18].untranslated_questions == [6, 7]
    assert sheets["ur", 18].untranslated_questions == [5, 6, 7]
    drawn = " ".join(drawn.text for drawn in sheets["ur", 24].drawn)
    assert "Saturday" in drawn and "Altab" in drawn


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["pl", "el"])
def test_the_translated_question_can_be_read_back_from_the_pdf(sheets, tmp_path, language):
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(sheets[language, 18].pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(LIBRARY[language].split()[:4]) in " ".join(text.split())
    assert "Altab Ali Park" in text  # no Polish or Greek text: the English


def test_an_arabic_question_is_right_aligned_beside_its_number(sheets):
    right = layout.PAGE_WIDTH - layout.MARGIN
    sheet = sheets["ar", 18]
    for page in sheet.pages:
        lines = [item for item in page if item.kind == "text" and "أبوابها" in _text(item)]
        if lines:
            break
    else:
        pytest.fail("the Arabic question was not drawn")
    number_column = 18 * 2.2
    assert abs(max(item.x1 for item in lines) - (right - number_column)) < 0.5
    # In visual order: the full stop drawn left of the 5.
    numbers = [item for item in page if item.kind == "text" and _text(item).strip() == ".5"]
    assert numbers and abs(numbers[0].x1 - right) < 0.5


def _text(item) -> str:
    return "".join(piece.text for piece in item.line.pieces)


def test_a_bilingual_sheet_puts_the_english_beneath_a_translated_question(store, event):
    event_questions.add_question(
        store, event_id=event, kind="agree", text=LIBRARY["en"], texts={"pl": LIBRARY["pl"]}
    )
    sheet = layout.build_sheet(store, event, "pl", bilingual=True)
    drawn = [drawn.text for drawn in sheet.drawn]
    polish = next(i for i, text in enumerate(drawn) if "Biblioteka" in text)
    assert any("library" in text for text in drawn[polish + 1 : polish + 4])


# -- answers back in ------------------------------------------------------------------------


def test_answers_to_own_questions_are_checked_by_kind_and_counted(store, event):
    agree = event_questions.add_question(store, event_id=event, kind="agree", text="Agree?")
    event_questions.add_question(store, event_id=event, kind="yes_no", text="Yes?")
    event_questions.add_question(store, event_id=event, kind="write", text="Write?")
    for index in range(12):
        sheet_answers.add_sheet_answers(
            store,
            event_id=event,
            language="en",
            received_on="2026-03-20",
            answers={
                "own": {
                    "5": "tend_to_agree" if index < 8 else "dont_know",
                    6: "yes",
                }
                | ({"7": "More benches"} if index % 2 else {})
            },
        )
    stored = json.loads(store.scalar("SELECT answers FROM feedback_responses LIMIT 1"))
    own_keys = {key for key in stored if key.startswith("own.")}
    assert own_keys <= {f"own.{q['id']}" for q in _questions(store, event)}
    summary = influence.summarise(store, Selection(event_id=event), rule=Rule())
    by_number = {each.number: each for each in summary.own}
    # 8 and 4: the 4 is under 5, and the 8 would give it away, so both are hidden.
    assert by_number[5].counts["tend_to_agree"] == "[c]"
    assert by_number[5].counts["dont_know"] == "<5"
    assert by_number[5].total == 12
    assert by_number[6].counts == {"yes": 12, "no": 0}
    assert by_number[7].total == "<10"  # 6 written: fewer than 10 responses are withheld
    # Answered now, so it stays, and so does how it is answered.
    before = fingerprint(store)
    with pytest.raises(ValidationError, match="12 returned sheets answer this question"):
        event_questions.remove_question(store, agree)
    with pytest.raises(ValidationError, match="so how it is answered stays"):
        event_questions.set_kind(store, agree, "yes_no")
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("own", "message"),
    [
        ({"5": "maybe"}, "not one of the allowed values"),
        ({"6": "definitely_agree"}, "not one of the allowed values: yes, no"),
        ({"7": "ring me on 07700 900123"}, "email address or phone number"),
        ({"9": "yes"}, "no question 9 of its own; its own questions are numbered 5, 6, 7"),
        ({"1": "yes"}, "no question 1"),
        (["5", "yes"], "pairs of question number: answer"),
        ({"5": "dont_know", "ID5": "tend_to_agree"}, "Question 5 is answered twice"),
    ],
)
def test_a_bad_answer_to_an_own_question_is_refused_and_nothing_is_saved(
    store, event, own, message
):
    event_questions.add_question(store, event_id=event, kind="agree", text="Agree?")
    event_questions.add_question(store, event_id=event, kind="yes_no", text="Yes?")
    event_questions.add_question(store, event_id=event, kind="write", text="Write?")
    if isinstance(own, dict) and "ID5" in own:  # the same question by number and by id
        own[_questions(store, event)[0]["id"]] = own.pop("ID5")
    before = fingerprint(store)
    with pytest.raises(ValidationError, match=message):
        sheet_answers.add_sheet_answers(
            store, event_id=event, language="en", received_on="2026-03-20", answers={"own": own}
        )
    assert fingerprint(store) == before


# -- the command line -----------------------------------------------------------------------


def test_the_questions_commands_keep_translate_move_and_remove(db_path):
    with open_store(db_path) as store:
        event = make_event(store, title="Whitechapel forum")
    short = event[:8]
    assert run_cli("--db", db_path, "questions", "list", short)[0] == 0
    code, out, err = run_cli(
        "--db", db_path, "questions", "add", short, "--kind", "agree", "--text", LIBRARY["en"]
    )
    assert (code, out.strip()) == (
        0,
        "Added question 5. Translate it with `ceapp questions edit` and --lang.",
    ), err
    run_cli("--db", db_path, "questions", "add", short, "--kind", "write", "--text", PARK)
    code, out, err = run_cli(
        "--db", db_path, "questions", "edit", short, "5", "--lang", "bn", "--text", LIBRARY["bn"]
    )
    assert code == 0 and "en, bn" in out, err
    code, out, _err = run_cli("--db", db_path, "questions", "move", short, "6", "--up")
    assert (code, out.strip()) == (0, "The question is now number 5.")
    code, out, _err = run_cli("--db", db_path, "questions", "list", short, "--json")
    listed = json.loads(out)
    assert [(q["number"], q["kind"]) for q in listed] == [(5, "write"), (6, "agree")]
    assert listed[1]["texts"]["bn"] == LIBRARY["bn"]
    code, out, _err = run_cli("--db", db_path, "answers", "add", short, "--own", "6=tend_to_agree")
    assert code == 0
    code, out, _err = run_cli("--db", db_path, "answers", "summary", "--event", short, "--json")
    own = json.loads(out)["own_questions"]
    assert [(q["number"], q["answered_count"]) for q in own] == [(5, "<10"), (6, "<10")]
    code, out, _err = run_cli("--db", db_path, "questions", "remove", short, "5")
    assert (code, out.strip()) == (0, "Removed question 5.")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["questions", "add", "EVENT", "--kind", "scale", "--text", "x"], "allowed values"),
        (["questions", "edit", "EVENT", "9", "--text", "x"], "no question 9 of its own"),
        (["questions", "edit", "EVENT", "5"], "Say what to change"),
        (["questions", "edit", "EVENT", "5", "--lang", "xx", "--text", "x"], "not a sheet lang"),
        (["questions", "remove", "EVENT", "5"], "1 returned sheet answers this question"),
        (["answers", "add", "EVENT", "--own", "5"], "--own takes the question's number"),
        (["answers", "add", "EVENT", "--own", "5=yes", "--own", "5=no"], "answered twice"),
    ],
)
def test_bad_command_lines_exit_2_with_a_message_and_change_nothing(db_path, arguments, message):
    with open_store(db_path) as store:
        event = make_event(store, title="Whitechapel forum")
        event_questions.add_question(store, event_id=event, kind="agree", text="Agree?")
        sheet_answers.add_sheet_answers(
            store,
            event_id=event,
            language="en",
            received_on="2026-03-20",
            answers={"own": {"5": "tend_to_agree"}},
        )
        before = fingerprint(store)
    argv = [event[:8] if value == "EVENT" else value for value in arguments]
    code, out, err = run_cli("--db", db_path, *argv)
    assert code == 2 and message in err and "Traceback" not in err, (out, err)
    with open_store(db_path) as store:
        assert fingerprint(store) == before


def test_the_sheet_command_says_which_questions_print_in_english(db_path, tmp_path):
    with open_store(db_path) as store:
        event = make_event(store, title="Whitechapel forum")
        event_questions.add_question(
            store, event_id=event, kind="agree", text=LIBRARY["en"], texts={"pl": LIBRARY["pl"]}
        )
        event_questions.add_question(store, event_id=event, kind="write", text=PARK)
    code, out, err = run_cli(
        "--db", db_path, "sheet", "--event", event[:8], "--lang", "pl,el", "--out", str(tmp_path)
    )
    assert code == 0, err
    assert "Polish: the event's question 6 printed in English" in out
    assert "Greek: the event's questions 5, 6 printed in English" in out


# -- between laptops ------------------------------------------------------------------------


def test_questions_and_their_translations_travel_in_a_bundle(tmp_path):
    sender = open_store(str(tmp_path / "a.db"))
    receiver = open_store(str(tmp_path / "b.db"))
    event = make_event(sender, title="Whitechapel forum")
    question = event_questions.add_question(
        sender, event_id=event, kind="agree", text=LIBRARY["en"]
    )
    event_questions.set_text(sender, question, "bn", LIBRARY["bn"])
    trust.trust(receiver, name="A", public_key_hex=identity.device_identity(sender).public_key_hex)
    bundle = str(tmp_path / "a.zip")
    exchange.export_bundle(sender, bundle)
    exchange.import_bundles(receiver, [bundle])
    assert _questions(receiver, event) == _questions(sender, event)
    assert fingerprint(receiver) == fingerprint(sender)
    assert catalogs.LANGUAGES["bn"].english == "Bengali"
    sender.close()
    receiver.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    # Real questions, each script's characters mixed, and anything at all.
    text=st.sampled_from(sorted(LIBRARY.values())) | _titles() | st.text(max_size=400),
    language=st.sampled_from(["en", "ar", "ur", "bn", "el", "pa"]),
    kind=st.sampled_from(event_questions.KINDS.codes),
)
def test_any_question_text_prints_or_is_refused_leaving_nothing_changed(
    tmp_path_factory, text, language, kind
):
    with open_store(str(tmp_path_factory.mktemp("fuzz") / "ceapp.db")) as store:
        event = make_event(store, title="Forum")
        question = event_questions.add_question(store, event_id=event, kind=kind, text="Fine?")
        before = fingerprint(store)
        try:
            event_questions.set_text(store, question, language, text)
        except ValidationError as error:
            assert error.field == "text" and str(error)
            assert fingerprint(store) == before
            return
        sheet = layout.build_sheet(store, event, language, size=24)
    _check_inside_and_apart(sheet)
    for drawn in sheet.drawn:
        visible = "".join(character for character in drawn.text if not never_drawn(character))
        assert covers(drawn.family, visible)


def test_undoing_an_events_deletion_brings_its_questions_back_with_their_answers(store, event):
    from ceapp import events

    event_questions.add_question(store, event_id=event, kind="agree", text=LIBRARY["en"])
    event_questions.add_question(store, event_id=event, kind="write", text=PARK)
    for _index in range(12):
        sheet_answers.add_sheet_answers(
            store,
            event_id=event,
            language="en",
            received_on="2026-03-20",
            answers={"own": {"5": "tend_to_agree", "6": "Lights"}},
        )
    with store.transaction():
        snapshot = events.delete_event_with_snapshot(store, event)
    with store.transaction():
        restored = events.restore_event(store, snapshot)
    questions = _questions(store, restored)
    assert [q["texts"]["en"] for q in questions] == [LIBRARY["en"], PARK]
    # New ids (a delete is final for the old ones), and the answers follow them.
    assert [event_questions.answer_count(store, q) for q in questions] == [12, 12]
    summary = influence.summarise(store, Selection(event_id=restored), rule=Rule())
    assert [(each.number, each.total) for each in summary.own] == [(5, 12), (6, 12)]
