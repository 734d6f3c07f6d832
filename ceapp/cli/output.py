"""How the CLI prints: aligned plain-text tables for people, JSON for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def print_table(rows: Sequence[Sequence], headers: Sequence[str]) -> None:
    """Left-aligned columns sized to their widest cell; None shows as blank."""
    cells = [[("" if value is None else str(value)) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = [headers, ["-" * width for width in widths], *cells]
    for line in lines:
        sys.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        sys.stdout.write("\n")


def print_listing(rows: list[dict], *, as_json: bool, headers: Sequence[str], cells) -> int:
    """Rows as JSON for programs, or as a table of `cells(row)` for people."""
    if as_json:
        print_json(rows)
    else:
        print_table([cells(row) for row in rows], headers)
    return 0


def print_fields(pairs: Sequence[tuple[str, object]]) -> None:
    """A record as 'Label: value' lines, labels aligned."""
    width = max((len(label) for label, _value in pairs), default=0)
    for label, value in pairs:
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        sys.stdout.write(f"{label.ljust(width)}  {'' if value is None else value}\n")


def short_id(record_id: str) -> str:
    """The first 8 characters of an id: unique in practice, and accepted back as input."""
    return record_id[:8]
