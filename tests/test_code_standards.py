"""Project-wide standards: ruff clean, translation template current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    found = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return [found]


def test_ruff_is_clean():
    result = subprocess.run(
        [*_ruff(), "check", "--no-cache", "ceapp", "ui", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _message_ids(pot: Path) -> set[str]:
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    return {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
    }


def test_translation_template_is_current(tmp_path):
    """Every string marked for translation is in translations/ceapp.pot, and no stale ones."""
    pybabel = Path(sys.executable).parent / "pybabel"
    if not pybabel.exists():
        pytest.fail("pybabel is not installed beside python; install the package's dependencies")
    fresh = tmp_path / "ceapp.pot"
    subprocess.run(
        [str(pybabel), "--quiet", "extract", "-F", "babel.cfg", "-o", str(fresh), "ceapp", "ui"],
        cwd=ROOT,
        check=True,
    )
    committed = ROOT / "translations" / "ceapp.pot"
    missing = _message_ids(fresh) - _message_ids(committed)
    stale = _message_ids(committed) - _message_ids(fresh)
    assert not missing and not stale, (
        f"run: pybabel extract -F babel.cfg -o translations/ceapp.pot ceapp ui\n"
        f"missing: {sorted(missing)[:5]}\nstale: {sorted(stale)[:5]}"
    )
