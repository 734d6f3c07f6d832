"""How the CLI prints: aligned plain-text tables for people, JSON for programs.

Output is built as one string and written in large pieces: with
PYTHONUNBUFFERED=1 every write is a system call, and json.dump alone makes
one per token (over a million for 50,000 events).

Text from the database is shown with control and invisible format
characters escaped, so a record cannot drive the terminal it is listed on.
JSON keeps values exactly; the reader is a program.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from ceapp.exit_codes import ExitCode
from ceapp.validation import escape

# Large enough that a listing goes out in a handful of writes, small enough
# not to hold a second full copy of a big listing while it is encoded.
WRITE_CHUNK = 1 << 20


def write(text: str) -> None:
    """Write `text` to stdout in large pieces and flush it."""
    out = sys.stdout
    if out is None:
        # Started with stdout closed (`ceapp ... >&-`): like print(), say nothing.
        return
    for start in range(0, len(text), WRITE_CHUNK):
        out.write(text[start : start + WRITE_CHUNK])
    out.flush()


def print_json(value) -> None:
    write(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def print_table(rows: Sequence[Sequence], headers: Sequence[str]) -> None:
    """Left-aligned columns sized to their widest cell; None shows as blank."""
    cells = [[("" if value is None else escape(value)) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = [headers, ["-" * width for width in widths], *cells]
    write(
        "".join(
            "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() + "\n"
            for line in lines
        )
    )


def print_listing(rows: list[dict], *, as_json: bool, headers: Sequence[str], cells) -> int:
    """Rows as JSON for programs, or as a table of `cells(row)` for people."""
    if as_json:
        print_json(rows)
    else:
        print_table([cells(row) for row in rows], headers)
    return ExitCode.OK


def print_fields(pairs: Sequence[tuple[str, object]]) -> None:
    """A record as 'Label: value' lines, labels aligned; multi-line values keep their lines."""
    width = max((len(label) for label, _value in pairs), default=0)
    lines = []
    for label, value in pairs:
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        shown = "" if value is None else escape(value, keep_lines=True)
        lines.append(f"{label.ljust(width)}  {shown}\n")
    write("".join(lines))


def short_id(record_id: str) -> str:
    """The first 8 characters of an id: unique in practice, and accepted back as input."""
    return record_id[:8]
