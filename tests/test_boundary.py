"""The domain/UI boundary (docs/architecture.md, "Layers"): nothing under ceapp imports Qt or ui.

Ruff's banned-api rule catches `import PySide6` at the top of a file; these
tests also catch imports inside functions, `import ui...`, shiboken6, and
modules loaded by name through importlib or __import__.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CEAPP = ROOT / "ceapp"
FORBIDDEN = ("PySide6", "shiboken6", "ui")
# Calls that import a module named by a string.
IMPORT_CALLS = {"import_module", "__import__", "find_spec"}


def _forbidden(module: str | None) -> bool:
    if not module:
        return False
    top = module.split(".")[0]
    return top in FORBIDDEN


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """Every import of Qt or ui in `source`, as 'line: module'."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: {a.name}" for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom):
            # `from . import x` has no module and level > 0: it stays inside ceapp.
            if node.level == 0 and _forbidden(node.module):
                found.append(f"{node.lineno}: {node.module}")
        elif isinstance(node, ast.Call) and _call_name(node) in IMPORT_CALLS:
            for arg in node.args[:1]:
                named = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(named, str) and _forbidden(named):
                    found.append(f"{node.lineno}: {named}")
    return found


def _ceapp_files() -> list[Path]:
    return sorted(CEAPP.rglob("*.py"))


def test_there_are_files_to_check():
    names = {path.name for path in _ceapp_files()}
    assert {"store.py", "changes.py", "events.py"} <= names


@pytest.mark.parametrize("path", _ceapp_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_ceapp_module_does_not_import_qt_or_ui(path):
    assert forbidden_imports(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize(
    "source",
    [
        "import PySide6",
        "import PySide6.QtWidgets as widgets",
        "from PySide6.QtCore import Qt",
        "import shiboken6",
        "from ui.main_window import MainWindow",
        "import ui",
        "def later():\n    from PySide6 import QtGui\n",
        "import importlib\nimportlib.import_module('PySide6.QtWidgets')",
        "from importlib import import_module\nimport_module('ui.op')",
        "__import__('shiboken6')",
    ],
)
def test_checker_catches_each_form(source):
    # Proves the walk above would fail if such a line were added.
    assert forbidden_imports(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "import uuid",
        "from ceapp import ui_text",
        "from . import ui",
        "import uid",
        "text = 'PySide6 is not imported here'",
    ],
)
def test_checker_leaves_lookalikes_alone(source):
    assert forbidden_imports(source) == []


def test_importing_all_of_ceapp_loads_no_qt():
    # Import the CLI (the entry point a user runs) and then every module under
    # ceapp, in a fresh interpreter so nothing from this test run leaks in.
    script = textwrap.dedent(
        """
        import importlib
        import pkgutil
        import sys

        import ceapp

        try:
            importlib.import_module("ceapp.cli")
        except ModuleNotFoundError as error:
            if error.name != "ceapp.cli":
                raise
        for module in pkgutil.walk_packages(ceapp.__path__, prefix="ceapp."):
            # __main__ runs the app when imported; everything else is safe.
            if module.name.split(".")[-1] != "__main__":
                importlib.import_module(module.name)
        loaded = sorted(
            name for name in sys.modules
            if name.split(".")[0] in ("PySide6", "shiboken6", "ui")
        )
        print(len([name for name in sys.modules if name.startswith("ceapp")]))
        print(",".join(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    modules, loaded = result.stdout.splitlines()
    assert int(modules) > 10
    assert loaded == ""
