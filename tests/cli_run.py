"""Running the `ceapp` command line in-process, as the CLI and sync tests do."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from ceapp import cli
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store


def run_cli(*argv) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `ceapp ARGV...`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(arg) for arg in argv])
    return code, out.getvalue(), err.getvalue()


def cli_ok(*argv) -> str:
    """stdout of a command that must succeed."""
    code, out, err = run_cli(*argv)
    assert code == 0, err
    return out


def file_fingerprint(path) -> str:
    with open_store(str(Path(path))) as store:
        return fingerprint(store)
