"""A built wheel carries the fonts and compiled catalogs and finds them once installed.

The wheel is built as `python -m build` builds it (an sdist, then the wheel
from that sdist) from a copy of the checkout, and installed alone into a fresh
venv that borrows this venv's dependencies but not its editable ceapp.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import ceapp
from ceapp import resource_files

ROOT = Path(__file__).resolve().parent.parent
FONTS = ["NotoSans-Bold.ttf", "NotoSans-Regular.ttf"]
# Generous: the whole module takes a few seconds; a hung pip must not hang the suite.
STEP_TIMEOUT = 180


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False, **kwargs
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def test_resources_come_from_where_ceapp_is_installed():
    package = Path(ceapp.__file__).resolve().parent
    if package == ROOT / "ceapp":
        # An editable install: the checkout's own top-level folders.
        expected = (ROOT / "resources" / "fonts", ROOT / "translations")
    else:
        expected = (package / "resources" / "fonts", package / "translations")
    assert (resource_files.fonts_dir(), resource_files.translations_dir()) == expected


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(sdist, wheel) built from a copy of the checkout without its compiled catalogs."""
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    # A copy keeps the build's egg-info and build/ out of the working tree,
    # and leaving out any .mo proves the build compiles its own.
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "build", "dist", "*.egg-info", "__pycache__", "*.mo", "*.db", "*.db-*"
        ),
    )
    out = work / "dist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)])
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


@pytest.mark.packaging
def test_sdist_carries_catalog_sources_not_compiled_catalogs(built):
    sdist, _wheel = built
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"setup.py", "MANIFEST.in", "translations/cy/LC_MESSAGES/ceapp.po"} <= names
    assert {f"resources/fonts/{font}" for font in FONTS} <= names
    assert not [name for name in names if name.endswith(".mo")]


@pytest.mark.packaging
def test_wheel_carries_fonts_catalogs_and_every_package(built):
    _sdist, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    fonts = {f"ceapp/resources/fonts/{name}" for name in [*FONTS, "OFL.txt"]}
    assert fonts <= names
    # Every catalog in the repository is in the wheel, compiled.
    catalogs = {
        f"ceapp/translations/{po.relative_to(ROOT / 'translations').with_suffix('.mo')}"
        for po in (ROOT / "translations").glob("*/LC_MESSAGES/*.po")
    }
    assert "ceapp/translations/cy/LC_MESSAGES/ceapp.mo" in catalogs
    assert catalogs <= names
    # The printed sheets' catalogs are read as .po files; the UI's are compiled.
    sheets = {
        f"ceapp/sheet_translations/{po.name}" for po in (ROOT / "sheet_translations").glob("*.po")
    }
    assert "ceapp/sheet_translations/ar.po" in sheets and sheets <= names
    assert not [
        name
        for name in names
        if name.endswith((".po", ".pot")) and not name.startswith("ceapp/sheet_translations/")
    ]
    # Every package of the checkout, including ui (the console script's home).
    packages = {
        str(init.relative_to(ROOT))
        for top in ("ceapp", "ui")
        for init in ROOT.glob(f"{top}/**/__init__.py")
    }
    missing = packages - names
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    assert not [name for name in names if name.startswith("tests/")]


@pytest.fixture(scope="module")
def venv(built, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel, with this venv's dependencies behind it."""
    _sdist, wheel = built
    venv = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = _venv_python(venv)
    venv_site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    # A .pth line is appended to sys.path after the venv's own site-packages,
    # so the wheel's ceapp wins; and this venv's site-packages is added as a
    # plain folder, so its editable-install hook (itself a .pth) never runs.
    Path(venv_site.stdout.strip(), "zz_dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )
    return venv


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / "python"


def _in_venv(command: list[str], tmp_path: Path) -> str:
    # Run outside the checkout, so the current folder on sys.path holds no ceapp.
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return _run(command, cwd=tmp_path, env=environment).stdout


@pytest.mark.packaging
def test_installed_wheel_runs_the_command_line(venv, tmp_path):
    script = venv / ("Scripts" if os.name == "nt" else "bin") / "ceapp"
    output = _in_venv([str(script), "--version"], tmp_path)
    assert output.strip() == f"ceapp {ceapp.__version__}"
    # The population figures ship inside the wheel, and a PDF report finds its fonts.
    listed = _in_venv(
        [str(script), "--db", str(tmp_path / "w.db"), "report", "references"], tmp_path
    )
    assert "Tower Hamlets" in listed and "E92000001" in listed
    report = tmp_path / "report.pdf"
    _in_venv(
        [str(script), "--db", str(tmp_path / "w.db"), "report", "equality", "--out", str(report)],
        tmp_path,
    )
    assert report.read_bytes().startswith(b"%PDF") and b"NotoSans" in report.read_bytes()
    # Feedback sheets in Arabic and Bengali: the sheet catalogs and every Noto
    # face are found inside the installed package, not in the checkout.
    database = str(tmp_path / "sheets.db")
    event_id = _in_venv(
        [
            *(str(script), "--db", database, "events", "add", "--title", "Forum"),
            *("--starts", "2026-03-14 18:30", "--venue", "Idea Store"),
            *("--spectrum", "consultation", "--method", "area_forum"),
        ],
        tmp_path,
    ).strip()
    out = tmp_path / "sheets"
    out.mkdir()
    written = _in_venv(
        [
            *(str(script), "--db", database, "sheet", "--event", event_id),
            *("--lang", "ar,bn", "--out", str(out)),
        ],
        tmp_path,
    )
    assert "Arabic" in written and "Bengali" in written and "printed in English" not in written
    for code, face in (("ar", b"NotoNaskhArabic"), ("bn", b"NotoSansBengali")):
        pdf = (out / f"{event_id[:8]}-{code}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf and face in pdf, code


@pytest.mark.packaging
def test_installed_wheel_finds_its_fonts_and_catalogs(venv, tmp_path):
    probe = """
import json
import ceapp
from ceapp import i18n, resource_files
from ui import fonts
i18n.set_language("cy")
print(json.dumps({
    "ceapp": ceapp.__file__,
    "fonts": str(resource_files.fonts_dir()),
    "ui_fonts": str(fonts.FONTS_DIR),
    "welsh": [i18n._("No problems found."), i18n._("Title")],
    "untranslated": i18n._("Ward"),
    "sheets": str(__import__("ceapp.sheets.catalogs", fromlist=["x"]).shipped_folder()),
}))
"""
    found = json.loads(_in_venv([str(_venv_python(venv)), "-c", probe], tmp_path))
    for path in (found["ceapp"], found["fonts"]):
        assert Path(path).is_relative_to(venv), f"{path} is not from the installed wheel"
    fonts_dir = Path(found["fonts"])
    assert (fonts_dir / "NotoSans-Regular.ttf").is_file()
    assert found["ui_fonts"] == found["fonts"]
    assert found["welsh"] == ["Ni chanfuwyd unrhyw broblemau.", "Teitl"]
    assert found["untranslated"] == "Ward"
    assert Path(found["sheets"]).is_relative_to(venv)
    assert (Path(found["sheets"]) / "bn.po").is_file()
