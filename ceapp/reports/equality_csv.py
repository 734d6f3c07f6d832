"""The equality report as CSV: the heading, the table, then the trend by quarter."""

from __future__ import annotations

import csv
import io

from ceapp.reports.cells import neutralise, number_text
from ceapp.reports.equality import EqualityReport
from ceapp.reports.equality_rows import (
    heading_rows,
    table_header,
    table_rows,
    trend_header,
    trend_rows,
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number_text(value, 2)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def to_csv(report: EqualityReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for block in (
        heading_rows(report),
        [[], table_header(), *table_rows(report)],
        [[], trend_header(), *trend_rows(report)],
    ):
        writer.writerows([[_text(value) for value in row] for row in block])
    # A byte-order mark, so Excel reads the file as UTF-8 (names in any script).
    return buffer.getvalue().encode("utf-8-sig")
