"""The Groups page and its dialog, driven by keyboard as a person would."""

from __future__ import annotations

import pytest
from factories import make_area, make_event
from PySide6.QtCore import Qt

from ceapp import changes, groups
from ui.pages.groups_page import COLUMN_KEYS


@pytest.fixture
def three_groups(store):
    bow = make_area(store, ward="Bow East")
    groups.add_group(
        store,
        name="Bow Bangladeshi Elders",
        group_type="older_people",
        communities="Bangladeshi",
        languages="bn,en",
        area_id=bow,
        contact_name="Rahima Begum",
        contact_email="rahima@example.org",
        contact_consent=True,
    )
    groups.add_group(
        store,
        name="Somali Youth Link",
        group_type="youth",
        communities="Somali",
        languages="so,en",
    )
    groups.add_group(store, name="Bow Faith Forum", group_type="faith", area_id=bow)
    make_event(
        store,
        title="Coffee morning",
        audience="Bangladeshi community",
        starts_at="2025-06-01 10:00",
        ends_at=None,
        area_id=bow,
    )
    return store


def open_groups(open_window, store):
    window = open_window(store)
    window.show_page("groups")
    page = window.pages["groups"]
    assert window.current_page is page
    return window, page


def names(page) -> list[str]:
    return [page.model.record_at(row)["name"] for row in range(page.model.rowCount())]


def select(qtbot, page, name: str) -> None:
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    while page.group["name"] != name:
        qtbot.keyClick(page.table, Qt.Key.Key_Down)


def test_filters_by_type_and_language(open_window, three_groups, qtbot):
    _window, page = open_groups(open_window, three_groups)
    assert names(page) == ["Bow Bangladeshi Elders", "Bow Faith Forum", "Somali Youth Link"]
    page.type_filter.setFocus()
    page.type_filter.setCurrentIndex(page.type_filter.findData("youth"))
    assert names(page) == ["Somali Youth Link"]
    page.type_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.language_filter, "bn")
    assert names(page) == ["Bow Bangladeshi Elders"]
    column = COLUMN_KEYS.index("last_took_part")
    assert page.model.data(page.model.index(0, column)) == "2025-06-01"


def test_contact_details_only_with_consent(open_window, three_groups, qtbot):
    _window, page = open_groups(open_window, three_groups)
    select(qtbot, page, "Bow Bangladeshi Elders")
    assert "rahima@example.org" in page.contact_label.text()
    select(qtbot, page, "Bow Faith Forum")
    assert "No consent to contact" in page.contact_label.text()
    assert "rahima" not in page.contact_label.text()


def test_adds_a_group_through_the_dialog(open_window, three_groups, qtbot):
    _window, page = open_groups(open_window, three_groups)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog.isVisible() and not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Mile End Carers")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("carers"))
    qtbot.keyClicks(dialog.languages_edit, "en, ur")
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert "Mile End Carers" in names(page)
    (added,) = groups.list_groups(three_groups, search="Mile End Carers")
    assert (added["group_type"], added["languages"]) == ("carers", ["en", "ur"])


def test_an_invalid_group_cannot_be_saved_and_says_why(open_window, three_groups, qtbot):
    _window, page = open_groups(open_window, three_groups)
    page.add_group()
    dialog = page.dialog
    qtbot.keyClicks(dialog.name_edit, "Stepney Readers")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("other"))
    qtbot.keyClicks(dialog.languages_edit, "klingon")
    assert not dialog.save_button.isEnabled()
    assert "is not a language code" in dialog.message_label.text()
    dialog.languages_edit.clear()
    qtbot.keyClicks(dialog.contact_email_edit, "x@example.org")
    # Without consent the contact fields are off: they cannot be filled in at all.
    assert not dialog.contact_email_edit.isEnabled()
    dialog.consent_box.setChecked(True)
    qtbot.keyClicks(dialog.contact_email_edit, "not an email")
    assert not dialog.save_button.isEnabled()
    assert "is not an email address" in dialog.message_label.text()


def test_withdrawing_consent_in_the_dialog_erases_the_contact(open_window, three_groups, qtbot):
    _window, page = open_groups(open_window, three_groups)
    select(qtbot, page, "Bow Bangladeshi Elders")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog.contact_email_edit.text() == "rahima@example.org"
    dialog.consent_box.setFocus()
    qtbot.keyClick(dialog.consent_box, Qt.Key.Key_Space)
    assert "erases" in dialog.message_label.text()
    dialog.save_button.click()
    row = three_groups.query(
        "SELECT id, contact_name, contact_email, contact_consent FROM community_groups"
        " WHERE name = 'Bow Bangladeshi Elders'"
    )[0]
    assert (row["contact_name"], row["contact_email"], row["contact_consent"]) == (None, None, 0)
    assert changes.read(three_groups, "community_groups", row["id"])["contact_phone"] is None
    assert three_groups.scalar("SELECT count(*) FROM changes WHERE value LIKE '%rahima%'") == 0
    assert "No consent to contact" in page.contact_label.text()
