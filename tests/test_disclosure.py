"""Disclosure control: nothing hidden can be worked out from what is published.

The audit here is the test's own: for each hidden entry, an exact search for
a second table that agrees with everything published and gives the entry
another value (interval propagation over rows and columns to a fixpoint, then
trying -1, 0 or +1 for a cell of a line that still needs a change). It shares
no code with the module's cycle search; one-column tables are also checked
against plain sums.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ceapp import disclosure
from ceapp.disclosure import (
    SECONDARY,
    TOO_FEW,
    UNPROTECTABLE,
    Published,
    Rule,
    describe,
    percentage,
    protect_breakdown,
    protect_table,
    withheld_text,
)
from ceapp.errors import ValidationError

BIG = 10**9


def _entries(published: Published, rows: int, columns: int) -> dict:
    """Every published entry by key: ("cell", i, j), ("row", i), ("column", j), ("total",)."""
    entries = {("total",): published.total}
    for i in range(rows):
        entries["row", i] = published.row_totals[i]
        for j in range(columns):
            entries["cell", i, j] = published.cells[i][j]
    for j in range(columns):
        entries["column", j] = published.column_totals[j]
    return entries


def _true_values(counts: list[list[int]]) -> dict:
    values = {("total",): sum(map(sum, counts))}
    for i, row in enumerate(counts):
        values["row", i] = sum(row)
        for j, value in enumerate(row):
            values["cell", i, j] = value
    for j in range(len(counts[0])):
        values["column", j] = sum(row[j] for row in counts)
    return values


def _known_range(shown, true: int, rule: Rule, ceiling: int) -> tuple[int, int]:
    """What a reader knows of one entry (told the true value of every number, to be strict)."""
    if shown == f"<{rule.threshold}":
        return 1, rule.threshold - 1
    if shown == SECONDARY:
        return rule.threshold, ceiling  # never a zero, never under the threshold
    return true, true


def _reader(counts, shown: dict, rule: Rule):
    """Unknown cells with their ranges, and each line's (cells, known part, low, high)."""
    truth = _true_values(counts)
    rows, columns = len(counts), len(counts[0])
    # A bounded search finds a subset of the possible tables: enough to show two exist.
    ceiling = truth["total",] + rule.threshold
    unknown = {}
    known = {}
    for key, value in shown.items():
        if key[0] == "cell":
            if isinstance(value, str):
                unknown[key] = _known_range(value, truth[key], rule, ceiling)
            else:
                known[key] = truth[key]
    members = {("total",): [("cell", i, j) for i in range(rows) for j in range(columns)]}
    for i in range(rows):
        members["row", i] = [("cell", i, j) for j in range(columns)]
    for j in range(columns):
        members["column", j] = [("cell", i, j) for i in range(rows)]
    lines = {}
    for key, cells in members.items():
        low, high = _known_range(shown[key], truth[key], rule, BIG)
        lines[key] = (
            [cell for cell in cells if cell in unknown],
            sum(known.get(cell, 0) for cell in cells),
            low,
            high,
        )
    return unknown, lines


class _OutOfTimeError(Exception):
    pass


def _possible(changes: dict, lines: dict, budget: list[int]) -> bool:
    """Whether changes of -1, 0 or +1 within `changes` can meet every line's bounds.

    budget: how many search steps are left.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _OutOfTimeError
    changes = dict(changes)
    changed = True
    while changed:  # narrow every cell's range by its lines, to a fixpoint
        changed = False
        for cells, fixed, low, high in lines.values():
            least = fixed + sum(changes[cell][0] for cell in cells)
            most = fixed + sum(changes[cell][1] for cell in cells)
            if most < low or least > high:
                return False
            for cell in cells:
                a, b = changes[cell]
                new = (max(a, low - (most - b)), min(b, high - (least - a)))
                if new[0] > new[1]:
                    return False
                if new != (a, b):
                    changes[cell] = new
                    changed = True
    # Leaving every undecided cell unchanged works unless some line still
    # needs a move; then decide a cell of the line that needs one, fewest
    # undecided first, trying the move it needs first.
    needy = []
    for cells, fixed, low, high in lines.values():
        undecided = [cell for cell in cells if changes[cell][0] < changes[cell][1]]
        settled = fixed + sum(changes[cell][0] for cell in cells if cell not in undecided)
        if undecided and not low <= settled <= high:
            needy.append((len(undecided), 1 if settled < low else -1, undecided))
    if not needy:
        return True
    _, sign, undecided = min(needy, key=lambda need: need[0])
    cell = next((c for c in undecided if changes[c][0] <= sign <= changes[c][1]), undecided[0])
    a, b = changes[cell]
    return any(
        _possible({**changes, cell: (value, value)}, lines, budget)
        for value in (sign, 0, -sign)
        if a <= value <= b
    )


def _has_other_value(problems: list[tuple[dict, dict]]) -> bool | None:
    """Whether any of these (ranges, lines) problems has a solution; None: undecided.

    They take turns with a growing allowance, so that a slow proof that one
    is impossible cannot hold up finding a solution to another.
    """
    undecided = list(problems)
    for allowance in (10**2, 10**3, 10**4, 10**5):
        for problem in list(undecided):
            try:
                if _possible(*problem, [allowance]):
                    return True
                undecided.remove(problem)
            except _OutOfTimeError:
                pass
        if not undecided:
            return False
    return None


def _pinned(counts, shown: dict, rule: Rule) -> list:
    """Hidden entries fixed by what is shown (the search must decide every one)."""
    found = _verdicts(counts, shown, rule)
    assert None not in found.values(), "the test's search ran too long to decide"
    return [key for key, other in found.items() if other is False]


def _verdicts(counts, shown: dict, rule: Rule) -> dict:
    """For each hidden entry, whether a table agreeing with all that is shown
    gives it another value (None: the search gave up).

    The search is over changes of -1, 0 or +1 to each unknown cell, and that
    is exact: cells, row, column and grand totals are the flows of a network
    (source to row to column to sink and back), every range known is an
    interval, so the difference between the true table and any other splits
    into simple cycles of +-1, and one of them alone, added to the true
    table, already gives another that agrees with everything shown.
    (test_breakdowns_against_their_sums checks one column with no theory.)
    """
    truth = _true_values(counts)
    unknown, lines = _reader(counts, shown, rule)
    return {
        key: _has_other_value(_moves(key, unknown, lines, truth))
        for key, value in shown.items()
        if isinstance(value, str)
    }


def _moves(key, unknown: dict, lines: dict, truth: dict) -> list:
    """Problems over changes of at most 1 per cell, one for key down and one for up."""
    ranges = {
        cell: (max(a - truth[cell], -1), min(b - truth[cell], 1))
        for cell, (a, b) in unknown.items()
    }
    changes = {
        line: (cells, 0, low - truth[line], high - truth[line])
        for line, (cells, _, low, high) in lines.items()
    }
    if key[0] == "cell":
        a, b = ranges[key]
        problems = [({**ranges, key: part}, changes) for part in ((a, -1), (1, b))]
    else:
        cells, fixed, low, high = changes[key]
        problems = [
            (ranges, {**changes, key: (cells, fixed, *part)}) for part in ((low, -1), (1, high))
        ]
    return [problem for problem in problems if _nonempty(*problem)]


def _nonempty(ranges: dict, lines: dict) -> bool:
    return all(a <= b for a, b in ranges.values()) and all(
        low <= high for _, _, low, high in lines.values()
    )


def _nearest_five(value: int) -> int:
    return min(range(0, value + 5, 5), key=lambda multiple: abs(multiple - value))


def _tables(values: st.SearchStrategy[int]) -> st.SearchStrategy[list[list[int]]]:
    """1 to 6 rows (categories) by 1 to 5 columns (quarters)."""
    return st.integers(1, 6).flatmap(
        lambda rows: st.integers(1, 5).flatmap(
            lambda columns: st.lists(
                st.lists(values, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )


# Weighted towards small counts, where disclosure happens.
counts_strategy = _tables(st.one_of(st.integers(0, 4), st.integers(0, 12), st.integers(0, 30)))
rules = st.builds(
    Rule,
    threshold=st.sampled_from([5, 10]),
    round_to=st.sampled_from([None, 5]),
    minimum_total=st.sampled_from([10, 15]),
)


@settings(max_examples=1500, deadline=None)
@given(counts=counts_strategy, rule=rules)
def test_nothing_hidden_can_be_worked_out(counts, rule):
    _check(counts, rule)


@settings(max_examples=500, deadline=None)
@given(counts=_tables(st.integers(0, 4)), rule=rules)
def test_tables_of_small_counts_are_protected_or_withheld(counts, rule):
    # Mostly "<5" cells: where hiding every count can still give one away.
    _check(counts, rule)


def _check(counts: list[list[int]], rule: Rule) -> None:
    published = protect_table(counts, rule)
    truth = _true_values(counts)
    grand = truth["total",]
    hidden = sum(isinstance(cell, str) for row in published.cells for cell in row)
    event(published.reason or ("cells hidden" if hidden else "nothing hidden"))
    rows, columns = len(counts), len(counts[0])

    if grand < rule.minimum_total:
        assert published.withheld and published.reason == TOO_FEW
        assert published.cells == [] and published.total == f"<{rule.minimum_total}"
        return
    if published.withheld:
        # Only when hiding every non-zero count would still give one away.
        assert published.reason == UNPROTECTABLE
        everything = {key: SECONDARY for key, value in truth.items() if value}
        everything.update(
            {key: f"<{rule.threshold}" for key, v in truth.items() if 0 < v < rule.threshold}
        )
        everything.update({key: 0 for key, value in truth.items() if not value})
        assert False in _verdicts(counts, everything, rule).values()
        return

    shown = _entries(published, rows, columns)
    for key, value in shown.items():
        true = truth[key]
        if isinstance(value, int):
            # (1) a number is the true count, or it rounded; (2) never a small count
            assert value == (_nearest_five(true) if rule.round_to else true), key
            assert not 0 < true < rule.threshold, key
        elif value == SECONDARY:
            assert true >= rule.threshold, key
        else:
            assert value == f"<{rule.threshold}" and 0 < true < rule.threshold, key
    for i in range(rows):
        for j in range(columns):
            assert published.is_hidden(i, j) == isinstance(published.cells[i][j], str)
    # (3) every hidden entry could be something else
    assert _pinned(counts, shown, rule) == []


@settings(max_examples=150, deadline=None)
@given(
    counts=st.dictionaries(
        st.sampled_from("abcdefgh"), st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=1
    ),
    rule=rules,
)
def test_a_breakdown_is_one_column_of_a_table(counts, rule):
    cells, total = protect_breakdown(counts, rule)
    published = protect_table([[value] for value in counts.values()], rule)
    assert total == published.total
    if published.withheld:
        assert cells == {}
    else:
        assert list(cells.values()) == [row[0] for row in published.cells]


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.one_of(st.integers(0, 5), st.integers(0, 30)), min_size=1, max_size=8),
    rule=rules,
)
def test_breakdowns_against_their_sums(counts, rule):
    """One column, audited with no theory: a hidden count can be v exactly when
    the other hidden counts, each anywhere in its known range, can make up the rest."""
    cells, total = protect_breakdown({str(n): count for n, count in enumerate(counts)}, rule)
    if not cells:
        return
    shown = list(cells.values())
    known = {n: _known_range(value, counts[n], rule, BIG) for n, value in enumerate(shown)}
    hidden = [n for n, value in enumerate(shown) if isinstance(value, str)]
    # A "[c]" total only tells that the sum is at least the threshold.
    rest = (rule.threshold, BIG) if isinstance(total, str) else (sum(counts),) * 2
    for n in hidden:
        others = [known[m] for m in hidden if m != n]
        low = rest[0] - sum(counts[m] for m, v in enumerate(shown) if isinstance(v, int))
        high = rest[1] - sum(counts[m] for m, v in enumerate(shown) if isinstance(v, int))
        # Whole numbers in intervals add up to every whole number between the extremes.
        possible = range(
            max(known[n][0], low - sum(b for _, b in others)),
            min(known[n][1], high - sum(a for a, _ in others)) + 1,
        )
        assert counts[n] in possible and len(possible) >= 2, (counts, shown, total, n)


def test_a_small_count_and_the_next_smallest_are_hidden():
    assert protect_breakdown({"a": 3, "b": 20, "c": 15}, Rule()) == (
        {"a": "<5", "b": 20, "c": "[c]"},
        38,
    )


def test_a_cell_a_reader_knows_is_at_least_the_threshold_is_not_enough_cover():
    # With only b hidden beside a, a + b = 6 and b >= 5 would give a = 1.
    assert protect_breakdown({"a": 1, "b": 5, "c": 30}, Rule()) == (
        {"a": "<5", "b": "[c]", "c": "[c]"},
        36,
    )


def test_zeros_are_shown_and_never_used_as_cover():
    assert protect_breakdown({"a": 3, "b": 0, "c": 12}, Rule()) == (
        {"a": "<5", "b": 0, "c": "[c]"},
        15,
    )


def test_a_row_total_does_not_give_away_a_small_cell():
    counts = [[3, 12, 20], [15, 18, 22]]
    # Hiding only the 3 would leave 35 - 12 - 20 for anyone to work out.
    published = protect_table(counts, Rule())
    assert published.cells[0][0] == "<5"
    assert published.row_totals[0] == 35
    assert sum(published.is_hidden(0, j) for j in range(3)) >= 2
    assert sum(published.is_hidden(i, 0) for i in range(2)) >= 2
    shown = _entries(published, 2, 3)
    assert _pinned(counts, shown, Rule()) == []
    naive = {**_entries(protect_table([[5, 12, 20], [15, 18, 22]], Rule()), 2, 3)}
    naive["cell", 0, 0] = "<5"
    assert ("cell", 0, 0) in _pinned(counts, naive, Rule())


def test_small_totals_are_hidden_the_same_way_as_cells():
    published = protect_table([[3, 0], [12, 20], [15, 9]], Rule())
    assert published.row_totals[0] == "<5"
    assert published.cells[0] == ["<5", 0]


def test_nothing_is_hidden_when_every_count_is_large_or_zero():
    published = protect_table([[12, 0], [30, 7]], Rule())
    assert published.cells == [[12, 0], [30, 7]]
    assert (published.row_totals, published.column_totals, published.total) == (
        [12, 37],
        [42, 7],
        49,
    )


def test_too_few_responses_give_no_breakdown():
    published = protect_table([[3, 2], [4, 0]], Rule())
    assert published.withheld and published.reason == TOO_FEW
    assert published.cells == published.row_totals == published.column_totals == []
    assert published.total == "<10"
    assert published.is_hidden(0, 0)
    assert protect_breakdown({"a": 9}, Rule()) == ({}, "<10")
    assert withheld_text(published, Rule()) == (
        "No breakdown is given: there are fewer than 10 responses."
    )


def test_counts_that_give_themselves_away_however_hidden_are_withheld():
    # Four "<5" cells in a column whose total is "<5": each must be 1.
    published = protect_table([[1, 5], [1, 5], [1, 5], [1, 5]], Rule())
    assert published.withheld and published.reason == UNPROTECTABLE
    assert published.cells == [] and published.total == 24
    assert "too small" in withheld_text(published, Rule())


def test_rounding_to_five_applies_to_every_published_count():
    cells, total = protect_breakdown({"a": 3, "b": 22, "c": 16, "d": 41}, Rule(round_to=5))
    assert cells == {"a": "<5", "b": 20, "c": "[c]", "d": 40}
    assert total == 80


def test_percentages_use_published_counts_only():
    cells, total = protect_breakdown({"a": 3, "b": 20, "c": 15}, Rule())
    assert percentage(cells["a"], total) is None
    assert percentage(cells["c"], total) is None
    assert percentage(cells["b"], total) == pytest.approx(100 * 20 / 38)
    assert percentage(0, 0) is None


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("threshold", {"threshold": 7}),
        ("round_to", {"round_to": 10}),
        ("minimum_total", {"minimum_total": 3}),
    ],
)
def test_other_rules_are_refused(field, arguments):
    with pytest.raises(ValidationError) as refused:
        Rule(**arguments)
    assert refused.value.field == field


def test_threshold_message_says_what_is_allowed():
    with pytest.raises(ValidationError, match=r"must be 5 or 10, not 7"):
        Rule(threshold=7)


def test_the_rule_is_described_in_one_sentence():
    assert describe(Rule()) == (
        "Counts under 5 are shown as <5; other counts that would let one be worked out are "
        "shown as [c]; no breakdown is given for fewer than 10 responses."
    )
    rounded = describe(Rule(threshold=10, round_to=5, minimum_total=20))
    assert "<10" in rounded and "nearest 5" in rounded and "fewer than 20 responses" in rounded


def test_markers_are_the_documented_ones():
    assert disclosure.SUPPRESSED_PRIMARY_FORMAT.format(threshold=10) == "<10"
    assert SECONDARY == "[c]"
