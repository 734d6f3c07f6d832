"""The files ceapp ships besides its code: fonts and translation catalogs.

They stay in the repository's top-level resources/ and translations/ folders,
which install as the packages ceapp.resources and ceapp.translations
(pyproject.toml). Asking importlib.resources for those packages finds the
files in a wheel install and in an editable one alike.

This module imports nothing from ceapp, so setup.py can compile the catalogs
with it before ceapp is installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FONTS_PACKAGE = "ceapp.resources"
TRANSLATIONS_PACKAGE = "ceapp.translations"


def _package_folder(package: str) -> Path:
    try:
        found = files(package)
    except ModuleNotFoundError as error:
        # Seen with an editable install made before these packages existed.
        raise RuntimeError(
            f"{package} is missing from this ceapp installation; reinstall ceapp "
            "(in a checkout: pip install -e .)"
        ) from error
    # Qt and gettext need real file names, which only an unpacked install gives.
    if not isinstance(found, Path):
        raise RuntimeError(f"{package} is not a folder on disk; install ceapp unpacked")
    return found


def fonts_dir() -> Path:
    """The folder holding the shipped .ttf fonts and their licence (OFL.txt)."""
    return _package_folder(FONTS_PACKAGE) / "fonts"


def translations_dir() -> Path:
    """The gettext locale folder: <lang>/LC_MESSAGES/ceapp.mo."""
    return _package_folder(TRANSLATIONS_PACKAGE)


def compile_catalogs(source: Path, target: Path | None = None) -> list[Path]:
    """Compile every <lang>/LC_MESSAGES/*.po under `source` into .mo files.

    Each .mo goes to the same place under `target`, or beside its .po when no
    target is given. Returns the files written.
    """
    # Imported here: only compiling needs Babel, not looking up a message.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = (target or source) / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written
