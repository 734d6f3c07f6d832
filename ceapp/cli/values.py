"""argparse `type=` checks for option values, so a bad value is refused in one line.

Each raises argparse.ArgumentTypeError, whose message argparse puts after the
option's name: "argument --events: give a whole number from 1 to 100000, not '0'".
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from ceapp.i18n import _
from ceapp.validation import excerpt


def whole_number(minimum: int, maximum: int) -> Callable[[str], int]:
    """A type that reads a whole number from `minimum` to `maximum`."""

    def parse(text: str) -> int:
        try:
            number = int(text.strip())
        except ValueError:
            # Not a number, or one of thousands of digits that Python will not read.
            number = None
        if number is None or not minimum <= number <= maximum:
            raise argparse.ArgumentTypeError(
                _("give a whole number from {minimum} to {maximum}, not '{value}'").format(
                    minimum=minimum, maximum=maximum, value=excerpt(text)
                )
            )
        return number

    return parse


def date_in_years(first: int, last: int) -> Callable[[str], date]:
    """A type that reads a date such as 2026-03-14 in the years `first` to `last`."""

    def parse(text: str) -> date:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("'{value}' is not a date; write it as 2026-03-14").format(value=excerpt(text))
            ) from None
        if not first <= day.year <= last:
            raise argparse.ArgumentTypeError(
                _("give a date in the years {first} to {last}, not '{value}'").format(
                    first=first, last=last, value=excerpt(text)
                )
            )
        return day

    return parse
