"""Statistical disclosure control for equality-monitoring reports.

Monitoring slips are anonymous special category data, so a count of them per
characteristic (ethnic group by quarter, say) must never let a reader work
out that a small number of people, or exactly one, gave an answer. Every
report goes through `protect_table` (or `protect_breakdown`), which is why
the rule has safe defaults and there is no "off" switch.

The choices, so that reports can explain them:

* Primary suppression: a count from 1 to threshold - 1, in a cell or a total,
  is shown as "<5" (or "<10"), what the product owner asked for.
* Zeros are published as 0 and never hidden. A true zero says that nobody
  gave the answer, which identifies no one. A 0 beside a hidden cell is a
  clue, though, so the audit below counts every shown 0 as known, and also
  that a hidden cell is therefore never 0.
* Secondary suppression: a cell hidden only so that a "<5" cannot be worked
  out from the totals is shown as "[c]" (the GSS symbol for confidential),
  never as "<5", which would be untrue of a cell holding 12. A reader can
  therefore tell that a "[c]" holds at least the threshold, and the audit
  assumes they know it.
* Complementary cells are the smallest non-zero published count in the line
  that needs one, preferring body cells to totals and the grand total last.
  Every row and column (totals included) with one hidden entry gets a second,
  then an audit finds, for each hidden entry, whether any other table is
  consistent with everything published; while one is pinned to a single
  value, the smallest count beside it is hidden too.
* Rounding (round_to=5) rounds every published count, totals included, to
  the nearest 5 after suppression has been decided on the true counts, so
  totals may not add up. Zeros stay 0 and "<5" stays "<5". Rounding only
  blurs what a reader knows, so the audit, done on true counts, still holds.
* Fewer than minimum_total responses in the whole table: nothing is broken
  down (`withheld`, reason TOO_FEW), and the total itself is shown as "<10".
* Rarely, small counts give themselves away even with every non-zero count
  hidden: four "<5" cells in a column whose total is "<5" must each be 1.
  Then too nothing is broken down (reason UNPROTECTABLE); the total, which
  is at least minimum_total, is still published.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ceapp.errors import ValidationError
from ceapp.i18n import _, ngettext

SUPPRESSED_PRIMARY_FORMAT = "<{threshold}"
SECONDARY = "[c]"
WITHHELD_FORMAT = "<{minimum_total}"
THRESHOLDS = (5, 10)
ROUNDINGS = (None, 5)
TOO_FEW = "too_few"
UNPROTECTABLE = "unprotectable"

Cell = int | str
Entry = tuple[int, int]  # (row, column) of the table with its totals
Node = tuple[str, int]  # ("row", i) or ("column", j)


@dataclass(frozen=True)
class Rule:
    threshold: int = 5
    round_to: int | None = None
    minimum_total: int = 10

    def __post_init__(self) -> None:
        if self.threshold not in THRESHOLDS:
            raise ValidationError(
                "threshold",
                _("The disclosure threshold must be 5 or 10, not {value}.").format(
                    value=self.threshold
                ),
            )
        if self.round_to not in ROUNDINGS:
            raise ValidationError(
                "round_to",
                _("Counts can be rounded to the nearest 5 or not at all, not to {value}.").format(
                    value=self.round_to
                ),
            )
        # A smaller minimum would let a table's grand total itself be a "<5".
        if not isinstance(self.minimum_total, int) or self.minimum_total < self.threshold:
            raise ValidationError(
                "minimum_total",
                _(
                    "The smallest number of responses to break down must be at least "
                    "the threshold ({threshold}), not {value}."
                ).format(threshold=self.threshold, value=self.minimum_total),
            )

    @property
    def primary(self) -> str:
        return SUPPRESSED_PRIMARY_FORMAT.format(threshold=self.threshold)


@dataclass(frozen=True)
class Published:
    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell
    withheld: bool
    # Why nothing is broken down (TOO_FEW or UNPROTECTABLE), when withheld.
    reason: str | None = None
    # How many body cells are hidden, by kind; reports may say so.
    primary_count: int = 0
    secondary_count: int = 0

    def is_hidden(self, row: int, column: int) -> bool:
        return self.withheld or isinstance(self.cells[row][column], str)


def protect_table(counts: list[list[int]], rule: Rule) -> Published:
    """Counts per category (rows) and period (columns), with totals, made safe to publish."""
    _check_counts(counts)
    grid = _with_totals(counts)
    rows, columns = len(counts), len(counts[0])
    total = grid[rows][columns]
    if total < rule.minimum_total:
        return Published(
            cells=[],
            row_totals=[],
            column_totals=[],
            total=WITHHELD_FORMAT.format(minimum_total=rule.minimum_total),
            withheld=True,
            reason=TOO_FEW,
        )
    primary = {
        (i, j)
        for i, line in enumerate(grid)
        for j, value in enumerate(line)
        if 0 < value < rule.threshold
    }
    non_zero = {entry for entry in _every_entry(grid) if grid[entry[0]][entry[1]] > 0}
    # Hiding more never narrows what a reader can infer, so if hiding every
    # non-zero count still pins one, nothing can protect this table.
    if _pinned(grid, non_zero, primary, rule.threshold):
        return Published(
            cells=[],
            row_totals=[],
            column_totals=[],
            total=_round(total, rule.round_to),
            withheld=True,
            reason=UNPROTECTABLE,
        )
    hidden = _suppress(grid, primary, rule.threshold)

    def shown(i: int, j: int) -> Cell:
        if (i, j) in primary:
            return rule.primary
        if (i, j) in hidden:
            return SECONDARY
        return _round(grid[i][j], rule.round_to)

    body = [(i, j) for i in range(rows) for j in range(columns)]
    return Published(
        cells=[[shown(i, j) for j in range(columns)] for i in range(rows)],
        row_totals=[shown(i, columns) for i in range(rows)],
        column_totals=[shown(rows, j) for j in range(columns)],
        total=shown(rows, columns),
        withheld=False,
        primary_count=sum(entry in primary for entry in body),
        secondary_count=sum(entry in hidden and entry not in primary for entry in body),
    )


def protect_breakdown(counts: dict[str, int], rule: Rule) -> tuple[dict[str, Cell], Cell]:
    """One characteristic's counts and their total; an empty dict when withheld."""
    if not counts:
        raise ValueError("a breakdown needs at least one category")
    published = protect_table([[count] for count in counts.values()], rule)
    if published.withheld:
        return {}, published.total
    cells = {name: row[0] for name, row in zip(counts, published.cells, strict=True)}
    return cells, published.total


def percentage(part: Cell, whole: Cell) -> float | None:
    """part as a percentage of whole, or None when either is hidden (or whole is 0).

    Only published numbers go in, so a percentage can never reveal a hidden
    count; with rounding on, it is a percentage of the rounded counts.
    """
    if isinstance(part, str) or isinstance(whole, str) or whole == 0:
        return None
    return 100 * part / whole


def describe(rule: Rule) -> str:
    """The rule in force, as one sentence to print on every output that uses it."""
    values = {
        "threshold": rule.threshold,
        "primary": rule.primary,
        "secondary": SECONDARY,
        "minimum": rule.minimum_total,
        "round_to": rule.round_to,
    }
    if rule.round_to:
        return ngettext(
            "Counts under {threshold} are shown as {primary}; other counts that would let "
            "one be worked out are shown as {secondary}; all other counts, totals included, "
            "are rounded to the nearest {round_to}, so they may not add up; no breakdown is "
            "given for fewer than {minimum} response.",
            "Counts under {threshold} are shown as {primary}; other counts that would let "
            "one be worked out are shown as {secondary}; all other counts, totals included, "
            "are rounded to the nearest {round_to}, so they may not add up; no breakdown is "
            "given for fewer than {minimum} responses.",
            rule.minimum_total,
        ).format(**values)
    return ngettext(
        "Counts under {threshold} are shown as {primary}; other counts that would let one be "
        "worked out are shown as {secondary}; no breakdown is given for fewer than "
        "{minimum} response.",
        "Counts under {threshold} are shown as {primary}; other counts that would let one be "
        "worked out are shown as {secondary}; no breakdown is given for fewer than "
        "{minimum} responses.",
        rule.minimum_total,
    ).format(**values)


def withheld_text(published: Published, rule: Rule) -> str:
    """Why a withheld table shows no breakdown, as a sentence to print in its place."""
    if published.reason == UNPROTECTABLE:
        return _(
            "No breakdown is given: these counts are too small to show in any way "
            "that would not reveal someone's answers."
        )
    return ngettext(
        "No breakdown is given: there are fewer than {minimum} response.",
        "No breakdown is given: there are fewer than {minimum} responses.",
        rule.minimum_total,
    ).format(minimum=rule.minimum_total)


def _check_counts(counts: list[list[int]]) -> None:
    # A programming error, not a person's: reports build these from the database.
    if not counts or not counts[0] or any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("counts must be a non-empty rectangular table")
    if any(not isinstance(value, int) or value < 0 for row in counts for value in row):
        raise ValueError("counts must be whole numbers, 0 or more")


def _with_totals(counts: list[list[int]]) -> list[list[int]]:
    """The table with a row total at the end of each row and a totals row at the bottom."""
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


def _round(value: int, round_to: int | None) -> int:
    return round_to * ((value + round_to // 2) // round_to) if round_to else value


def _suppress(grid: list[list[int]], primary: set[Entry], threshold: int) -> set[Entry]:
    hidden = set(primary)
    while True:
        _pair_up(grid, hidden)
        pinned = _pinned(grid, hidden, primary, threshold)
        if pinned is None:
            return hidden
        i, j = pinned
        extra = _smallest_visible(grid, hidden, _line(grid, "row", i) + _line(grid, "column", j))
        # Its own row and column can run out of non-zero counts; then anything
        # else non-zero, ending at worst with every non-zero count hidden,
        # which protect_table has checked is safe.
        hidden.add(extra or _smallest_visible(grid, hidden, _every_entry(grid)))


def _pair_up(grid: list[list[int]], hidden: set[Entry]) -> None:
    """Hide more until no row or column (totals included) has exactly one hidden entry."""
    lines = [_line(grid, "row", i) for i in range(len(grid))]
    lines += [_line(grid, "column", j) for j in range(len(grid[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(entry in hidden for entry in line) == 1:
                # There is always one. Hidden entries are non-zero, and the
                # line's cells add up to its total: if the total is hidden,
                # some cell is non-zero; if a cell is, the total is.
                hidden.add(_smallest_visible(grid, hidden, line))
                changed = True


def _pinned(
    grid: list[list[int]], hidden: set[Entry], primary: set[Entry], threshold: int
) -> Entry | None:
    """A hidden entry that what is published fixes to one value, if there is one.

    Another table agreeing with everything published differs from the true one
    by changes that leave every row and column sum alone; each such change is
    made of cycles around hidden entries, alternately up and down by one, that
    keep each within what a reader knows of it (1..threshold-1 for "<5",
    threshold or more for "[c]", as zeros are never hidden). Those ranges are
    intervals, so an entry can take a second value exactly when some such
    cycle passes through it: a path search, with no solver needed.

    Totals enter the cycles with their sign flipped (a row total moves with
    its row's cells, not against them), except the grand total, which is a
    total of totals.
    """
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    # A cycle steps from a row to a column by raising an entry, and from a
    # column back to a row by lowering one, so every sum stays as published.
    steps: dict[Node, list[tuple[Node, Entry]]] = {}
    rising, falling = set(), set()
    for i, j in hidden:
        value = grid[i][j]
        low, high = (1, threshold - 1) if (i, j) in primary else (threshold, None)
        rises, falls = high is None or value < high, value > low
        if (i == last_row) != (j == last_column):
            rises, falls = falls, rises
        if rises:
            rising.add((i, j))
            steps.setdefault(("row", i), []).append((("column", j), (i, j)))
        if falls:
            falling.add((i, j))
            steps.setdefault(("column", j), []).append((("row", i), (i, j)))
    for entry in sorted(hidden):
        row, column = ("row", entry[0]), ("column", entry[1])
        if entry in rising and _reaches(steps, column, row, entry):
            continue
        if entry in falling and _reaches(steps, row, column, entry):
            continue
        return entry
    return None


def _reaches(
    steps: dict[Node, list[tuple[Node, Entry]]], start: Node, goal: Node, without: Entry
) -> bool:
    """Whether a path of steps leads from start to goal without using `without`."""
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for following, entry in steps.get(node, ()):
            if entry != without and following not in seen:
                seen.add(following)
                queue.append(following)
    return False


def _line(grid: list[list[int]], kind: str, index: int) -> list[Entry]:
    if kind == "row":
        return [(index, j) for j in range(len(grid[0]))]
    return [(i, index) for i in range(len(grid))]


def _every_entry(grid: list[list[int]]) -> list[Entry]:
    return [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))]


def _smallest_visible(grid: list[list[int]], hidden: set[Entry], entries) -> Entry | None:
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1

    def cost(entry: Entry) -> tuple[int, int, Entry]:
        i, j = entry
        # Hide body cells before totals, and the grand total only as a last resort.
        return ((i == last_row) + (j == last_column), grid[i][j], entry)

    candidates = [e for e in entries if e not in hidden and grid[e[0]][e[1]] > 0]
    return min(candidates, key=cost, default=None)
