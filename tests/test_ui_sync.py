"""The Sync page, driven by clicks and keys as a person would, on two laptops' files."""

from __future__ import annotations

import threading

import pytest
from factories import make_event
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ceapp import events
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store
from ceapp.sync import exchange, identity, merge, trust
from ui.pages.sync_conflicts import COLUMN_KEYS


@pytest.fixture
def laptop_a(store):
    """This laptop, with two events of its own."""
    make_event(store, title="Bow East ward forum")
    make_event(store, title="Safer streets walkabout", starts_at="2026-05-02 10:00", ends_at=None)
    return store


@pytest.fixture
def laptop_b(tmp_path):
    """A second laptop that trusts the first (as `ceapp sync trust` would have it)."""
    opened = open_store(str(tmp_path / "laptop-b.db"))
    yield opened
    opened.close()


def trust_each_other(a, b) -> None:
    trust.trust(a, name="Laptop B", public_key_hex=identity.device_identity(b).public_key_hex)
    trust.trust(b, name="Laptop A", public_key_hex=identity.device_identity(a).public_key_hex)


def open_sync(qtbot, open_window, store, **options):
    window = open_window(store, **options)
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier
    )
    page = window.pages["sync"]
    assert window.current_page is page
    return window, page


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def opened(qtbot, window):
    """The dialog or message box just opened, once it has the keyboard."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() not in (None, window))
    return QApplication.activeWindow()


def back_to(qtbot, window) -> None:
    # The offscreen platform has no window manager to hand the keyboard back.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def event_titles(window) -> list[str]:
    model = window.events_page.model
    return [model.event_at(row)["title"] for row in range(model.rowCount())]


def test_export_then_import_on_a_second_laptop_gives_the_same_records(
    qtbot, open_window, laptop_a, laptop_b, tmp_path
):
    trust_each_other(laptop_a, laptop_b)
    bundle = tmp_path / "from-a.zip"
    window, page = open_sync(qtbot, open_window, laptop_a)
    page.choose_export_file = lambda encrypted: str(bundle)
    assert page.recipient_combo.currentText() == "Everything"
    assert not page.encrypt_box.isEnabled()

    click(qtbot, page.export_button)

    assert page.export_message.text() == f"Wrote 2 changes to {bundle}."
    assert bundle.exists()
    window.close()

    other, page_b = open_sync(qtbot, open_window, laptop_b)
    page_b.choose_import_files = lambda: [str(bundle)]
    click(qtbot, page_b.import_button)

    shown = page_b.import_message.text().splitlines()
    assert shown[0] == "Imported 1 bundle from Laptop A."
    assert "New records: 2." in shown
    assert "New conflicts: 0." in shown
    assert not page_b.progress_bar.isVisible() and page_b.import_button.isEnabled()
    assert fingerprint(laptop_b) == fingerprint(laptop_a)
    assert sorted(event_titles(other)) == ["Bow East ward forum", "Safer streets walkabout"]


def test_a_bundle_encrypted_for_the_chosen_laptop_opens_there(
    qtbot, open_window, laptop_a, laptop_b, tmp_path
):
    trust_each_other(laptop_a, laptop_b)
    bundle = tmp_path / "for-b.zip.age"
    window, page = open_sync(qtbot, open_window, laptop_a)
    asked = []
    page.choose_export_file = lambda encrypted: asked.append(encrypted) or str(bundle)

    page.recipient_combo.setFocus()
    qtbot.keyClick(page.recipient_combo, Qt.Key.Key_Down)
    assert page.recipient_combo.currentText() == "What Laptop B may lack"
    assert page.encrypt_box.isEnabled()
    assert page.encrypt_box.text() == "Encr&ypt so only Laptop B can open it"
    qtbot.keyClick(page, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    # A mnemonic "clicks" the way Qt shows a click: pressed, then released a moment later.
    qtbot.waitUntil(page.encrypt_box.isChecked)
    click(qtbot, page.export_button)

    assert asked == [True]
    assert "encrypted for Laptop B: only that laptop can open it" in page.export_message.text()
    assert bundle.read_bytes().startswith(b"age-encryption.org/")
    window.close()

    _other, page_b = open_sync(qtbot, open_window, laptop_b)
    page_b.choose_import_files = lambda: [str(bundle)]
    click(qtbot, page_b.import_button)
    assert page_b.import_message.text().startswith("Imported 1 bundle from Laptop A.")
    assert fingerprint(laptop_b) == fingerprint(laptop_a)


def test_a_key_file_saved_on_one_laptop_is_trusted_on_the_other_through_the_dialog(
    qtbot, open_window, laptop_a, laptop_b, tmp_path
):
    key_file = tmp_path / "laptop-b-key.pem"
    window_b, page_b = open_sync(qtbot, open_window, laptop_b)
    page_b.choose_save_key_file = lambda: str(key_file)
    click(qtbot, page_b.save_key_button)
    b_words = identity.fingerprint_words(identity.recorded_public_key(laptop_b))
    assert page_b.fingerprint_label.text() == b_words
    assert page_b.identity_message.text() == f"Public key written to {key_file}"
    # Never over a file that is there.
    click(qtbot, page_b.save_key_button)
    assert "already exists; choose a new file name" in page_b.identity_message.text()
    window_b.close()

    window, page = open_sync(qtbot, open_window, laptop_a)
    page.choose_key_file = lambda: str(key_file)
    click(qtbot, page.trust_button)
    dialog = opened(qtbot, window)
    assert dialog is page.trust_dialog
    assert dialog.fingerprint_label.text() == b_words
    assert not dialog.trust_button.isEnabled()  # no name yet
    qtbot.keyClicks(dialog.name_edit, "Laptop B")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)

    assert [row["name"] for row in trust.devices(laptop_a)] == ["Laptop B"]
    assert page.devices_model.rowCount() == 1
    assert page.devices_model.data(page.devices_model.index(0, 1)) == b_words
    assert page.devices_message.text().startswith('Trusted "Laptop B" (fingerprint')
    assert page.recipient_combo.findText("What Laptop B may lack") == 1

    # The same key again: the domain's refusal shows in the dialog, which stays open.
    back_to(qtbot, window)
    click(qtbot, page.trust_button)
    dialog = opened(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "Laptop B again")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.message_label.text() == 'That key is already trusted, as "Laptop B".'
    assert dialog.isVisible()
    # A file that is not a key says so, and cannot be trusted.
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("hello")
    page.choose_key_file = lambda: str(not_a_key)
    click(qtbot, dialog.choose_button)
    assert "does not hold a device's public key" in dialog.message_label.text()
    assert not dialog.trust_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(trust.devices(laptop_a)) == 1

    # Stop trusting asks first.
    back_to(qtbot, window)
    click(qtbot, page.untrust_button)
    box = opened(qtbot, window)
    assert box is page.confirm_box
    assert 'Stop trusting "Laptop B"?' in box.text()
    stop = next(button for button in box.buttons() if button.text() == "&Stop trusting")
    click(qtbot, stop)
    assert trust.devices(laptop_a) == []
    assert page.devices_model.rowCount() == 0
    assert not page.untrust_button.isEnabled()
    assert page.recipient_combo.count() == 1


def test_a_cut_short_bundle_is_refused_with_its_message_and_nothing_is_imported(
    qtbot, open_window, laptop_a, laptop_b, tmp_path
):
    trust_each_other(laptop_a, laptop_b)
    bundle = tmp_path / "cut.zip"
    exchange.export_bundle(laptop_a, str(bundle))
    data = bundle.read_bytes()
    bundle.write_bytes(data[: len(data) // 2])
    before = fingerprint(laptop_b)

    _window, page = open_sync(qtbot, open_window, laptop_b)
    page.choose_import_files = lambda: [str(bundle)]
    click(qtbot, page.import_button)

    shown = page.import_message.text()
    assert f"{bundle} is not a ceapp sync bundle" in shown
    assert "cut short" in shown and "Traceback" not in shown
    assert shown.endswith("Nothing was imported.")
    assert page.import_button.isEnabled() and not page.cancel_button.isVisible()
    assert fingerprint(laptop_b) == before
    assert events.count_events(laptop_b) == 0


def test_cancel_while_merging_keeps_nothing(
    qtbot, open_window, laptop_a, laptop_b, tmp_path, monkeypatch
):
    trust_each_other(laptop_a, laptop_b)
    bundle = tmp_path / "from-a.zip"
    exchange.export_bundle(laptop_a, str(bundle))
    before = fingerprint(laptop_b)
    _window, page = open_sync(qtbot, open_window, laptop_b)
    page.choose_import_files = lambda: [str(bundle)]
    seen = []
    real_merge = merge.merge

    def merge_while_the_person_cancels(store, ops, **options):
        # The bundle is checked and the merge about to start: the person clicks Cancel.
        seen.append(page.progress_label.text())
        click(qtbot, page.cancel_button)
        seen.append(page.progress_label.text())
        return real_merge(store, ops, **options)

    monkeypatch.setattr(merge, "merge", merge_while_the_person_cancels)
    click(qtbot, page.import_button)

    assert seen == ["Checking from-a.zip", "Cancelling…"]
    assert page.import_message.text() == "Import cancelled: nothing was imported."
    assert fingerprint(laptop_b) == before
    assert events.count_events(laptop_b) == 0
    assert page.import_button.isEnabled() and not page.progress_bar.isVisible()


def test_on_the_worker_the_page_shows_progress_and_cancel_works_until_the_commit(
    qtbot, open_window, laptop_a, laptop_b, tmp_path, monkeypatch
):
    trust_each_other(laptop_a, laptop_b)
    bundle = tmp_path / "from-a.zip"
    exchange.export_bundle(laptop_a, str(bundle))
    before = fingerprint(laptop_b)
    merging, may_go_on = threading.Event(), threading.Event()
    real_merge = merge.merge

    def slow_merge(store, ops, **options):
        merging.set()
        may_go_on.wait(10)
        return real_merge(store, ops, **options)

    monkeypatch.setattr(merge, "merge", slow_merge)
    _window, page = open_sync(qtbot, open_window, laptop_b, synchronous=False)
    page.choose_import_files = lambda: [str(bundle)]
    click(qtbot, page.import_button)

    qtbot.waitUntil(merging.is_set)
    assert not page.import_button.isEnabled()
    qtbot.waitUntil(lambda: page.progress_label.text() == "Checking from-a.zip")
    assert page.progress_bar.value() == page.progress_bar.maximum()
    click(qtbot, page.cancel_button)
    may_go_on.set()

    qtbot.waitUntil(lambda: page.import_button.isEnabled())
    assert page.import_message.text() == "Import cancelled: nothing was imported."
    assert fingerprint(laptop_b) == before

    # Without Cancel the same bundle goes in.
    monkeypatch.setattr(merge, "merge", real_merge)
    click(qtbot, page.import_button)
    qtbot.waitUntil(lambda: page.import_button.isEnabled())
    assert page.import_message.text().startswith("Imported 1 bundle from Laptop A.")
    assert fingerprint(laptop_b) == fingerprint(laptop_a)


@pytest.fixture
def conflicting_titles(laptop_a, laptop_b, tmp_path):
    """Both laptops renamed the same event before swapping bundles; A has B's bundle."""
    trust_each_other(laptop_a, laptop_b)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    exchange.export_bundle(laptop_a, str(first), to="Laptop B")
    exchange.import_bundles(laptop_b, [str(first)])
    forum = laptop_a.scalar("SELECT id FROM events WHERE title = 'Bow East ward forum'")
    events.edit_event(laptop_a, forum, title="Bow East forum (typed on A)")
    events.edit_event(laptop_b, forum, title="Bow East forum (typed on B)")
    exchange.export_bundle(laptop_b, str(second), to="Laptop A")
    exchange.import_bundles(laptop_a, [str(second)])
    return forum


def conflict_cell(page, key: str, row: int = 0) -> str:
    model = page.conflicts.model
    return model.data(model.index(row, COLUMN_KEYS.index(key)))


def test_a_conflict_shows_and_keep_other_resolves_it(
    qtbot, open_window, laptop_a, conflicting_titles
):
    forum = conflicting_titles
    window, page = open_sync(qtbot, open_window, laptop_a)
    current = events.get_event(laptop_a, forum)["title"]
    assert window.navigation.item(4).text() == "Sync (1)"
    assert page.conflicts.model.rowCount() == 1
    assert conflict_cell(page, "record") == f"Event “{current}”"
    assert conflict_cell(page, "field") == "Title"
    assert conflict_cell(page, "current") == current
    other = conflict_cell(page, "other")
    assert {current, other} == {"Bow East forum (typed on A)", "Bow East forum (typed on B)"}
    laptops = {
        "Bow East forum (typed on A)": "this laptop",
        "Bow East forum (typed on B)": "Laptop B",
    }
    assert conflict_cell(page, "current_from") == laptops[current]
    assert conflict_cell(page, "other_from") == laptops[other]
    assert other not in event_titles(window)

    # By keyboard: the list, then Keep other.
    page.conflicts.table.setFocus()
    qtbot.keyClick(page.conflicts.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.conflicts.keep_current_button
    qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)

    qtbot.waitUntil(lambda: events.get_event(laptop_a, forum)["title"] == other)
    assert page.conflicts.model.rowCount() == 0
    assert page.conflicts.count_label.text().startswith("No conflicts")
    assert page.conflicts.message_label.text() == (f"Event “{current}”: Title is now {other}.")
    assert window.navigation.item(4).text() == "Sync"
    assert other in event_titles(window) and current not in event_titles(window)
