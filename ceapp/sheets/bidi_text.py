"""Right-to-left and left-to-right text on one line: the Unicode bidi algorithm, simplified.

reportlab has no bidi of its own (only through rlbidi, not a dependency), and
harfbuzz shapes one direction at a time, so the sheet's layout does this
part itself: `levels` gives each character its embedding level (UAX #9 rules
W1-W7, N1-N2, I1-I2 for one paragraph of a known direction), and `visual`
puts a line's pieces in the order they are drawn, left to right (rule L2).

Left out, as a printed sheet's texts do not need them: explicit embeddings,
overrides and isolates (their characters are passed over as boundary
neutrals) and the bracket-pair rule N0. Numbers are handled fully, so "14"
or "١٤" in Arabic text reads in its own order, not reversed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

STRONG = frozenset({"L", "R", "AL"})
# Explicit formatting characters and boundary neutrals: they take the type of
# the character before them (this layout has no embeddings to open or close).
_IGNORED = frozenset({"BN", "NSM", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def bidi_class(character: str) -> str:
    return unicodedata.bidirectional(character) or "L"


def levels(text: str, rtl: bool) -> list[int]:
    """The embedding level of each character of one paragraph whose direction is `rtl`."""
    base = 1 if rtl else 0
    sos = "R" if rtl else "L"
    types = [bidi_class(character) for character in text]
    previous = sos
    for index, kind in enumerate(types):  # W1 (and X9: removed characters follow it)
        if kind in _IGNORED:
            types[index] = previous
        else:
            previous = kind
    last_strong = sos
    for index, kind in enumerate(types):  # W2
        if kind in STRONG:
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[index] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]  # W3
    for index in range(1, len(types) - 1):  # W4
        before, kind, after = types[index - 1], types[index], types[index + 1]
        if kind == "ES" and before == after == "EN":
            types[index] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[index] = before
    index = 0
    while index < len(types):  # W5
        if types[index] != "ET":
            index += 1
            continue
        end = index
        while end < len(types) and types[end] == "ET":
            end += 1
        if (index > 0 and types[index - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[index:end] = ["EN"] * (end - index)
        index = end
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    last_strong = sos
    for index, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[index] = "L"
    index = 0
    while index < len(types):  # N1, N2
        if types[index] in ("L", "R", "EN", "AN"):
            index += 1
            continue
        end = index
        while end < len(types) and types[end] not in ("L", "R", "EN", "AN"):
            end += 1
        before = _direction(types[index - 1]) if index > 0 else sos
        after = _direction(types[end]) if end < len(types) else sos
        resolved = before if before == after else sos
        types[index:end] = [resolved] * (end - index)
        index = end
    result = []
    for kind in types:  # I1, I2
        if base == 0:
            result.append({"R": 1, "AN": 2, "EN": 2}.get(kind, 0))
        else:
            result.append(2 if kind in ("L", "EN", "AN") else 1)
    return result


def _direction(kind: str) -> str:
    return "L" if kind == "L" else "R"


def visual(pieces_levels: Sequence[int]) -> list[int]:
    """The indexes of a line's pieces in drawing order (left to right), by rule L2.

    Each piece is a run of characters of one level, in logical order.
    """
    order = list(range(len(pieces_levels)))
    if not order:
        return order
    highest = max(pieces_levels)
    lowest_odd = min((level for level in pieces_levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if pieces_levels[order[index]] < level:
                index += 1
                continue
            end = index
            while end < len(order) and pieces_levels[order[end]] >= level:
                end += 1
            order[index:end] = reversed(order[index:end])
            index = end
    return order
