"""The printed sheet's catalogs: complete, well formed, checked on import, never a traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from babel import Locale
from cli_run import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceapp.i18n import RTL_LANGUAGES
from ceapp.sheets import catalogs, texts
from ceapp.sheets.catalogs import LANGUAGES, TRANSLATED, check_po, load, render_po

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "sheet_translations"
MSGFMT = shutil.which("msgfmt")
EXPECTED = [
    *("pl", "ro", "tr", "es", "pt", "bg", "el", "so", "sq", "lt"),
    *("ar", "ur", "fa", "ckb", "bn", "pa", "gu", "ta"),
]
# Translations spelt as the English is: the language's own word.
SAME_WORD = {("es", "Bisexual"), ("tr", "Hindu"), ("so", "Muslim")}
UNSAFE_OUTPUT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _errors(problems):
    return [problem for problem in problems if problem.is_error]


def _po(lang="pl", **changes) -> bytes:
    """The shipped catalog of `lang` with some translations replaced (msgid -> msgstr)."""
    translations = dict(load(lang, folder=tempfile.gettempdir() + "/none").translations)
    translations.update(changes)
    return render_po(lang, translations, reviewed=False)


def _line_of(data: bytes, needle: str) -> int:
    for number, line in enumerate(data.decode().split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "sheet_translations"


# --- the shipped catalogs ---------------------------------------------------


def test_every_community_language_has_a_catalog_and_nothing_else():
    assert list(TRANSLATED) == EXPECTED
    assert sorted(path.stem for path in SHIPPED.glob("*.po")) == sorted(EXPECTED)


@pytest.mark.parametrize("lang", EXPECTED)
def test_shipped_catalog_is_clean_and_complete(lang, tmp_path):
    data = (SHIPPED / f"{lang}.po").read_bytes()
    assert check_po(data, lang) == []
    catalog = load(lang, folder=tmp_path)
    assert catalog.origin == "shipped"
    missing = catalog.missing()
    assert not missing, f"{lang} has no translation of: {missing}"
    for msgid, translated in catalog.translations.items():
        assert catalogs.placeholders(translated) == catalogs.placeholders(msgid), (lang, msgid)
        assert translated.strip() == translated, (lang, msgid)
        # Only a short word may be the same in English ("No" in Spanish), or
        # one the language writes the same way.
        assert translated != msgid or len(msgid) <= 4 or (lang, msgid) in SAME_WORD, (lang, msgid)


@pytest.mark.parametrize("lang", EXPECTED)
def test_shipped_catalogs_are_machine_drafts_not_reviewed(lang, tmp_path):
    assert b'"X-Reviewed: no\\n"' in (SHIPPED / f"{lang}.po").read_bytes()
    assert load(lang, folder=tmp_path).reviewed is False


def test_the_equality_page_texts_are_the_monitoring_questions_word_for_word():
    from ceapp.monitoring import NOT_ANSWERED, QUESTION_LABELS, QUESTIONS

    wanted = [
        text
        for name, choices in QUESTIONS.items()
        for text in (
            QUESTION_LABELS[name],
            *(label for code, label in choices.items if code != NOT_ANSWERED),
        )
    ]
    assert not [text for text in wanted if text not in texts.MSGIDS]
    # Every equality text is one of the questions or answers; Yes and No are the sheet's own.
    assert set(texts.MONITORING) == set(wanted) - {texts.YES, texts.NO}
    assert len(texts.MONITORING) == len(set(texts.MONITORING)) == 65
    assert texts.PREFER_NOT_TO_SAY in texts.MONITORING


def test_placeholders_and_numbers_are_kept_in_every_equality_text(tmp_path):
    for lang in EXPECTED:
        catalog = load(lang, folder=tmp_path)
        for msgid in texts.MONITORING:
            translated = catalog.translations[msgid]
            assert catalogs.placeholders(translated) == set(), (lang, msgid)
            # Age bands keep their figures, in the digits the sheet prints numbers in.
            assert re.findall("[0-9]+", translated) == re.findall("[0-9]+", msgid), (lang, msgid)


def test_languages_know_their_direction_and_names():
    for code, language in LANGUAGES.items():
        locale = Locale.parse(code)
        assert language.rtl == (locale.text_direction == "rtl") == (code in RTL_LANGUAGES), code
        assert language.english and language.native
    assert LANGUAGES["pa"].script == "Guru"
    assert load("en").reviewed and load("en").missing() == []


def test_page_numbers_fill_in_every_language(tmp_path):
    for lang in EXPECTED:
        page = load(lang, folder=tmp_path).text(texts.PAGE, page=2, pages=3)
        assert "2" in page and "3" in page and "{" not in page, lang


# --- falling back to English ------------------------------------------------


def test_missing_translation_prints_english_and_is_reported(folder):
    data = _po("ro", **{texts.THANK_YOU: ""})
    folder.mkdir()
    (folder / "ro.po").write_bytes(data)
    catalog = load("ro", folder=folder)
    assert catalog.origin == "imported"
    assert catalog.missing() == [texts.THANK_YOU]
    assert catalogs.missing("ro", folder=folder) == [texts.THANK_YOU]
    assert catalog.text(texts.THANK_YOU) == "Thank you"
    assert catalog.text(texts.YES) == "Da"
    assert catalog.misses == [texts.THANK_YOU]
    with pytest.raises(ValueError):
        catalog.text("Not a sheet text")


def test_fuzzy_and_broken_translations_are_not_used(folder):
    folder.mkdir()
    data = _po("es").replace(
        b'msgid "Thank you"', b'#, fuzzy\nmsgid "Thank you"'
    )  # a translator's unfinished text
    (folder / "es.po").write_bytes(data)
    catalog = load("es", folder=folder)
    assert catalog.text(texts.THANK_YOU) == "Thank you"
    assert catalog.text(texts.NO) == "No"
    assert texts.THANK_YOU in catalog.missing()


def test_unreadable_imported_catalog_falls_back_to_the_shipped_one(folder):
    folder.mkdir()
    (folder / "tr.po").write_bytes(b'msgid "x\nnot a po file')
    catalog = load("tr", folder=folder)
    assert catalog.origin == "shipped" and catalog.problem
    assert catalog.text(texts.YES) == "Evet"


# --- check_po ---------------------------------------------------------------


def test_mismatched_placeholder_is_refused_with_its_line():
    data = _po("pl", **{texts.PAGE: "Strona {strona} z {pages}"})
    problems = _errors(check_po(data, "pl"))
    assert len(problems) == 1
    assert problems[0].line == _line_of(data, "Strona {strona}")
    assert "{strona}" in problems[0].message and "{page}" in problems[0].message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({texts.PAGE: "Strona {page} z {pages"}, "pair up"),
        ({texts.PAGE: "Strona {page}"}, "placeholders"),
        ({texts.PAGE: "Strona {page:>99999} z {pages}"}, "placeholders"),
        ({texts.YES: "Tak {0}"}, "placeholders"),
        ({texts.YES: "Tak\n"}, "new line"),
    ],
)
def test_bad_translations_are_refused(change, words):
    problems = _errors(check_po(_po("pl", **change), "pl"))
    assert problems and words in problems[0].message and problems[0].line


def test_wrong_language_header_is_refused_and_region_accepted():
    data = _po("pl")
    assert "Language: pl" in _errors(check_po(data, "ro"))[0].message
    assert check_po(data.replace(b"Language: pl\\n", b"Language: pl_PL\\n"), "pl") == []
    punjabi = _po("pa")
    assert check_po(punjabi.replace(b"Language: pa\\n", b"Language: pa_IN\\n"), "pa") == []
    assert _errors(check_po(punjabi.replace(b"Language: pa\\n", b"Language: pa_PK\\n"), "pa"))
    no_language = data.replace(b'"Language: pl\\n"\n', b"")
    assert [problem.severity for problem in check_po(no_language, "pl")] == ["warning"]


def test_unknown_and_fuzzy_entries_are_warnings():
    data = _po("pl") + b'\nmsgid "Something else"\nmsgstr "Co innego"\n'
    data = data.replace(b'msgid "Yes"', b'#, fuzzy\nmsgid "Yes"')
    problems = check_po(data, "pl")
    assert not _errors(problems)
    assert {problem.line for problem in problems} == {
        _line_of(data, 'msgid "Something else"'),
        _line_of(data, 'msgid "Yes"'),
    }


# Each is something `msgfmt --check-format -c` refuses; check_po must refuse it too.
BAD_SAMPLES = {
    "duplicate": lambda d: d + b'\nmsgid "Yes"\nmsgstr "Tak"\n',
    "plural entry": lambda d: d + b'\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
    "bad nplurals": lambda d: d.replace(b"nplurals=3", b"nplurals=x"),
    "bad plural expression": lambda d: d.replace(b"plural=n == 1", b"plural=n +* 1"),
    "newline mismatch": lambda d: d.replace(b'msgstr "Tak"', b'msgstr "Tak\\n"'),
    "unknown escape": lambda d: d.replace(b'msgstr "Tak"', b'msgstr "T\\qak"'),
    "unterminated": lambda d: d.replace(b'msgstr "Tak"', b'msgstr "Tak'),
    "no header": lambda d: d[d.index(b"\n\n#. HEADING") :],
    "braces": lambda d: d.replace(b"Strona {page}", b"Strona {{page}"),
    "not utf-8": lambda d: d.replace(b"Tak", b"T\xe9k"),
    "binary": lambda d: b"\xff\xfe" + d,
    "unknown keyword": lambda d: d.replace(b'msgid "Yes"', b'msgid "Yes" junk'),
    "msgstr without msgid": lambda d: d + b'\nmsgstr "x"\n',
    "msgid without msgstr": lambda d: d + b'\nmsgid "x"\n',
    "stray quote": lambda d: d.replace(b'msgstr "Tak"', b'msgstr "T"a"k"'),
}


@pytest.mark.parametrize("name", sorted(BAD_SAMPLES))
def test_what_msgfmt_refuses_check_po_refuses(name, tmp_path):
    data = BAD_SAMPLES[name](_po("pl"))
    assert _errors(check_po(data, "pl")), name
    if MSGFMT:
        sample = tmp_path / "sample.po"
        sample.write_bytes(data)
        result = subprocess.run(
            [MSGFMT, "--check-format", "-c", "-o", os.devnull, str(sample)],
            capture_output=True,
            check=False,
        )
        assert result.returncode != 0, (name, result.stderr)


@pytest.mark.skipif(MSGFMT is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_every_catalog_ceapp_writes(tmp_path):
    for lang in EXPECTED:
        for data in ((SHIPPED / f"{lang}.po").read_bytes(), render_po(lang, {}, reviewed=True)):
            sample = tmp_path / f"{lang}.po"
            sample.write_bytes(data)
            result = subprocess.run(
                [MSGFMT, "--check-format", "-c", "-o", os.devnull, str(sample)],
                capture_output=True,
                check=False,
            )
            assert result.returncode == 0, (lang, result.stderr)


# --- the commands -----------------------------------------------------------


def test_translator_round_trip(tmp_path):
    db = tmp_path / "c.db"
    exported = tmp_path / "pl.po"
    code, out, err = run_cli("--db", db, "catalog", "export", "pl", "--out", exported)
    assert code == 0, err
    total = len(texts.ALL)
    assert f"{total} of {total}" in out
    edited = exported.read_text().replace('msgstr "Dziękujemy"', 'msgstr "Serdecznie dziękujemy"')
    exported.write_text(edited)
    code, out, err = run_cli("--db", db, "catalog", "import", exported)
    assert code == 0, err
    assert "reviewed: no" in out and str(tmp_path / "sheet_translations") in out
    catalog = load("pl", folder=tmp_path / "sheet_translations")
    assert catalog.origin == "imported" and not catalog.reviewed
    assert catalog.text(texts.THANK_YOU) == "Serdecznie dziękujemy"
    # Exporting again gives the translator the edited text.
    again = tmp_path / "again.po"
    assert run_cli("--db", db, "catalog", "export", "pl", "--out", again)[0] == 0
    assert "Serdecznie dziękujemy" in again.read_text()
    # Only the translator's word makes it reviewed.
    exported.write_text(edited.replace("X-Reviewed: no", "X-Reviewed: yes"))
    assert run_cli("--db", db, "catalog", "import", exported)[0] == 0
    assert load("pl", folder=tmp_path / "sheet_translations").reviewed
    code, out, _err = run_cli("--db", db, "catalog", "list")
    assert code == 0
    polish = next(line for line in out.splitlines() if line.startswith("pl "))
    assert polish.split()[-3:] == ["yes", "0", "imported"]
    assert next(line for line in out.splitlines() if line.startswith("ro ")).split()[-3:] == [
        "no",
        "0",
        "shipped",
    ]


def test_import_refuses_mismatched_placeholders_and_changes_nothing(tmp_path):
    db, folder = tmp_path / "c.db", tmp_path / "sheet_translations"
    good = tmp_path / "good.po"
    good.write_bytes(_po("pl", **{texts.YES: "Oczywiście"}))
    assert run_cli("--db", db, "catalog", "import", good)[0] == 0
    before = (folder / "pl.po").read_bytes()
    bad = tmp_path / "bad.po"
    data = _po("pl", **{texts.PAGE: "Strona {strona} z {pages}"})
    bad.write_bytes(data)
    code, out, err = run_cli("--db", db, "catalog", "import", bad)
    assert code == 2 and out == ""
    line = _line_of(data, "Strona {strona}")
    assert err.startswith(f"{bad}, line {line}: The translation has the placeholders")
    assert "keep them exactly as in the English" in err
    assert "Nothing was imported" in err
    assert (folder / "pl.po").read_bytes() == before
    assert sorted(os.listdir(folder)) == ["pl.po"]
    # A refused file for another language leaves no file for it either.
    code, _out, err = run_cli("--db", db, "catalog", "import", bad, "--lang", "ro")
    assert code == 2 and "Language: pl" in err
    assert sorted(os.listdir(folder)) == ["pl.po"]


def test_import_needs_a_language(tmp_path):
    db = tmp_path / "c.db"
    source = tmp_path / "x.po"
    source.write_bytes(_po("so").replace(b'"Language: so\\n"\n', b""))
    code, _out, err = run_cli("--db", db, "catalog", "import", source)
    assert code == 2 and "--lang" in err
    code, _out, err = run_cli("--db", db, "catalog", "import", source, "--lang", "so")
    assert code == 0 and "warning: The header has no Language" in err
    assert load("so", folder=tmp_path / "sheet_translations").text(texts.YES) == "Haa"
    code, _out, err = run_cli("--db", db, "catalog", "import", source, "--lang", "xx")
    assert code == 2 and "not a sheet language" in err


def test_export_never_overwrites(tmp_path):
    db, out = tmp_path / "c.db", tmp_path / "ar.po"
    out.write_text("mine")
    code, _out, err = run_cli("--db", db, "catalog", "export", "ar", "--out", out)
    assert code == 2 and "already exists" in err
    assert out.read_text() == "mine"
    code, _out, err = run_cli("--db", db, "catalog", "export", "ar", "--out", tmp_path)
    assert code == 2 and "is a folder" in err
    code, _out, err = run_cli("--db", db, "catalog", "export", "en", "--out", tmp_path / "e.po")
    assert code == 2 and "not a sheet language" in err


# --- fuzzing: a clean refusal, never a traceback ----------------------------

TOKENS = [
    b"msgid ",
    b"msgstr ",
    b"msgstr[0] ",
    b"msgid_plural ",
    b"msgctxt ",
    b'"',
    b"\\",
    b"{",
    b"}",
    b"{page}",
    b"\n",
    b"#, fuzzy\n",
    b"#~ ",
    b"#-",
    b'""',
    b"\\x",
    b"\\777",
    b"\xff",
    b"\x00",
    b"\r",
    b'"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
    b'"Plural-Forms: nplurals=99999999999999999999; plural=n;\\n"',
    b'"Plural-Forms: nplurals=1; plural=' + b"(" * 500 + b";\\n",
    b'"PO-Revision-Date: yesterday\\n"',
    b'"Content-Type: text/plain; charset=latin-1\\n"',
    b'"Language: ar\\n"',
    b'"X-Reviewed: maybe\\n"',
    "\u202e".encode(),
    "\ufeff".encode(),
]


@st.composite
def mangled_po(draw):
    """A real catalog with a few bytes cut, doubled or replaced by PO-ish tokens."""
    data = bytearray(_po(draw(st.sampled_from(["pl", "ar", "ta"]))))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        end = min(len(data), at + draw(st.integers(0, 40)))
        data[at:end] = draw(st.sampled_from(TOKENS))
    return bytes(data)


PO_INPUTS = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join),
    mangled_po(),
)


@settings(max_examples=400, deadline=None)
@given(data=PO_INPUTS, lang=st.sampled_from(EXPECTED))
def test_check_po_only_ever_refuses_cleanly(data, lang):
    problems = check_po(data, lang)
    for problem in problems:
        assert problem.severity in ("error", "warning")
        assert problem.message and problem.message.endswith((".", ")"))
        assert problem.line is None or problem.line >= 1
    if not _errors(problems):
        # What check_po passes, the sheet can load.
        catalogs.read_translations(data, lang)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=PO_INPUTS, lang=st.sampled_from([None, "pl", "ar"]))
def test_import_command_only_ever_refuses_cleanly(tmp_path, monkeypatch, data, lang):
    monkeypatch.setenv("CEAPP_DEBUG", "1")
    db, folder = tmp_path / "c.db", tmp_path / "sheet_translations"
    source = tmp_path / "in.po"
    source.write_bytes(data)
    before = {path.name: path.read_bytes() for path in folder.glob("*")} if folder.is_dir() else {}
    argv = ["--db", db, "catalog", "import", source] + (["--lang", lang] if lang else [])
    code, out, err = run_cli(*argv)
    assert code in (0, 2), err
    for line in (out + err).splitlines():
        assert not UNSAFE_OUTPUT.search(line), line
        assert len(line) <= 300
    if code == 2:
        after = (
            {path.name: path.read_bytes() for path in folder.glob("*")} if folder.is_dir() else {}
        )
        assert after == before
        assert err.strip()
    else:
        imported = catalogs.header_language(data) if lang is None else lang
        assert load(imported, folder=folder).origin == "imported"
