"""Translation look-ups happen at call time, with real plural forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from ceapp import i18n, resource_files
from ceapp.i18n import _, ngettext
from ceapp.vocab import METHODS

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

WELSH_PO = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: cy\n"
"Plural-Forms: nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;\n"

msgid "Area forum"
msgstr "Fforwm ardal"

msgid "{count} record deleted"
msgid_plural "{count} records deleted"
msgstr[0] "{count} cofnod wedi'i ddileu"
msgstr[1] "{count} gofnod wedi'u dileu"
msgstr[2] "{count} cofnod wedi'u dileu"
msgstr[3] "{count} chofnod wedi'u dileu"
"""


@pytest.fixture
def welsh(tmp_path, monkeypatch):
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "ceapp.po").write_text(WELSH_PO, encoding="utf-8")
    assert i18n.compile_catalogs(tmp_path) == [folder / "ceapp.mo"]
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)
    assert i18n.set_language("cy") == "cy"
    yield
    i18n.set_language("en")


def test_labels_are_translated_when_shown_not_when_imported(welsh):
    assert METHODS.label("area_forum") == "Fforwm ardal"
    i18n.set_language("en")
    assert METHODS.label("area_forum") == "Area forum"


def test_plural_forms_follow_the_language(welsh):
    def deleted(n):
        return ngettext("{count} record deleted", "{count} records deleted", n).format(count=n)

    assert deleted(1) == "1 cofnod wedi'i ddileu"
    assert deleted(2) == "2 gofnod wedi'u dileu"
    assert deleted(8) == "8 chofnod wedi'u dileu"


def test_unknown_language_falls_back_to_english():
    assert i18n.set_language("xx") == "en"
    assert _("Area forum") == "Area forum"


def test_right_to_left_languages():
    assert i18n.is_rtl("ar") and i18n.is_rtl("ur") and i18n.is_rtl("ckb")
    assert not i18n.is_rtl("bn") and not i18n.is_rtl("en_GB")


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_committed_catalogs_translate_current_messages(tmp_path, monkeypatch):
    """Each .po has its language's plural forms and only messages the template still has."""
    template = {message.id for message in _catalog(TRANSLATIONS / "ceapp.pot") if message.id}
    catalogs = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/ceapp.po"))
    assert catalogs
    for po_path in catalogs:
        catalog = _catalog(po_path)
        language = po_path.parent.parent.name
        assert catalog.num_plurals == get_plural(language).num_plurals, po_path
        stale = [message.id for message in catalog if message.id and message.id not in template]
        assert not stale, f"{po_path}: not in ceapp.pot any more: {stale}"
    # Compiled into a temporary folder, so the test leaves the checkout as it was.
    compiled = resource_files.compile_catalogs(TRANSLATIONS, tmp_path)
    assert tmp_path / "cy" / "LC_MESSAGES" / "ceapp.mo" in compiled
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)
    try:
        assert i18n.set_language("cy") == "cy"
        assert _("No problems found.") == "Ni chanfuwyd unrhyw broblemau."
        # Partial catalog: what is not translated yet shows in English.
        assert _("Ward") == "Ward"
    finally:
        i18n.set_language("en")
