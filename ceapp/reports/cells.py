"""How report values become text in files a spreadsheet may open."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel and LibreOffice
# (CSV and XLSX alike); a tab or carriage return first can hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as typed, never runs: a leading apostrophe, as OWASP advises."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(value: float | None, places: int = 1) -> str:
    """A percentage or ratio for a file ("" when there is none)."""
    return "" if value is None else f"{value:.{places}f}"
