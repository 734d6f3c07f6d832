"""The foundation issue's acceptance, through the installed `ceapp` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CEAPP = str(Path(sys.executable).parent / "ceapp")


def ceapp(*argv: str) -> str:
    result = subprocess.run([CEAPP, *argv], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_demo_of_5000_events_lists_them_and_repeats_exactly(tmp_path):
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    ceapp("--db", first, "demo", "--events", "5000", "--seed", "11")
    listed = json.loads(ceapp("--db", first, "events", "list", "--json"))
    assert len(listed) == 5000
    assert len({event["id"] for event in listed}) == 5000

    ceapp("--db", second, "demo", "--events", "5000", "--seed", "11")
    assert ceapp("--db", first, "fingerprint") == ceapp("--db", second, "fingerprint")
    assert ceapp("--db", first, "check").strip() == "No problems found."
