"""Statistics disclosure control (issue 11): small counts hidden, and no hidden count
recovered by subtracting what a line (a column and its total, the flows and the number
sent) shows."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from aiguillage.disclosure import MASKED, SECONDARY, hidden_cells, masked_column, masked_texts
from aiguillage.referrals.rules import (
    COUNT_FIELDS,
    MonthRow,
    ReferralFacts,
    displayed_tables,
    flow_rows,
    monthly_rows,
    total_row,
)

COUNTS = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40])


def _table(matrix: list[list[int]]) -> tuple[dict, list[list]]:
    rows, cols = len(matrix), len(matrix[0])
    full = [[*row, sum(row)] for row in matrix]
    full.append([sum(full[i][j] for i in range(rows)) for j in range(cols + 1)])
    values = {(i, j): full[i][j] for i in range(rows + 1) for j in range(cols + 1)}
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    return values, lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(COUNTS, min_size=1, max_size=4), min_size=1, max_size=6))
def test_no_line_gives_a_hidden_count_away_by_subtraction(rows):
    width = min(len(row) for row in rows)
    matrix = [row[:width] for row in rows]
    values, lines = _table(matrix)
    primary, secondary = hidden_cells(values, lines)
    hidden = primary | secondary
    # Every count from 1 to 4 is hidden, and only those are primary.
    assert primary == {key for key, value in values.items() if 0 < value < 5}
    # Secondary cells are real counts (hiding a zero protects nothing).
    assert all(values[key] >= 5 for key in secondary)
    for line in lines:
        hidden_here = [key for key in line if key in hidden]
        # One hidden cell alone in its line would be its total minus the cells shown.
        assert len(hidden_here) != 1


def _attacker_range(matrix, primary, hidden, cell) -> tuple[float, float]:
    """Written apart from the module: every row and column equation of the table at once,
    small hidden counts in 1..4, other hidden counts at least 5."""
    rows, cols = len(matrix), len(matrix[0])
    values, _ = _table(matrix)
    unknowns = sorted(hidden)
    position = {key: n for n, key in enumerate(unknowns)}
    equations, constants = [], []
    sums = [([(i, j) for j in range(cols)], (i, cols)) for i in range(rows + 1)]
    sums += [([(i, j) for i in range(rows)], (rows, j)) for j in range(cols + 1)]
    for parts, total in sums:
        row, constant = np.zeros(len(unknowns)), 0.0
        for key in parts:
            if key in position:
                row[position[key]] += 1
            else:
                constant -= values[key]
        if total in position:
            row[position[total]] -= 1
        else:
            constant += values[total]
        if row.any():
            equations.append(row)
            constants.append(constant)
    bounds = [(1, 4) if key in primary else (5, None) for key in unknowns]
    goal = np.zeros(len(unknowns))
    goal[position[cell]] = 1
    low = linprog(goal, A_eq=equations or None, b_eq=constants or None, bounds=bounds)
    high = linprog(-goal, A_eq=equations or None, b_eq=constants or None, bounds=bounds)
    return low.fun, -high.fun


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(COUNTS, min_size=1, max_size=4), min_size=1, max_size=6))
def test_no_combination_of_lines_pins_a_small_count_down(rows):
    width = min(len(row) for row in rows)
    matrix = [row[:width] for row in rows]
    values, lines = _table(matrix)
    primary, secondary = hidden_cells(values, lines)
    if all(key in primary | secondary for key, value in values.items() if value):
        # Every count is hidden already: nothing more can be suppressed (e.g. four rows of 1
        # and a total of 4). Such a table shows only « < 5 » cells; see docs/security.md.
        return
    for cell in primary:
        low, high = _attacker_range(matrix, primary, primary | secondary, cell)
        # At least two whole values remain possible: the count is not recovered.
        assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1, (matrix, cell)


def _month(month: str, sent: int, accepted: int, came: int) -> MonthRow:
    return MonthRow(month, sent=sent, accepted=accepted, came=came)


def test_a_masked_flow_is_not_the_number_sent_minus_the_flows_shown():
    flows = [("Action sociale", "Médiation numérique", 26), ("Mairie", "Médiation numérique", 1)]
    shown = displayed_tables([_month("2026-11", 27, 20, 12)], flows).flows
    assert shown == [
        ("Action sociale", "Médiation numérique", SECONDARY),
        ("Mairie", "Médiation numérique", MASKED),
    ]


def test_a_month_of_few_referrals_is_not_the_total_minus_the_other_months():
    """Before: 27 sent in the total row − 26 in the months shown = the masked 1."""
    months = [_month("2026-10", 26, 20, 9), _month("2026-11", 1, 1, 0)]
    tables = displayed_tables(months, [("Action sociale", "Médiation numérique", 27)])
    shown = dict(tables.months)
    assert shown["2026-11"][0] == MASKED
    assert shown["2026-10"][0] == SECONDARY
    # The total stays, and no rate gives a masked count away.
    assert tables.total[0] == "27"
    assert shown["2026-10"][5] == "—" and shown["2026-11"][5] == "—"


def _attacker_range_on_lines(values, lines, primary, hidden, cell) -> tuple[float, float]:
    """Every line's equation at once; hidden small counts in 1..4, others at least 5."""
    unknowns = sorted(hidden, key=repr)
    position = {key: n for n, key in enumerate(unknowns)}
    equations, constants = [], []
    for line in lines:
        *parts, total = line
        row, constant = np.zeros(len(unknowns)), 0.0
        for key in parts:
            if key in position:
                row[position[key]] += 1
            else:
                constant -= values[key]
        if total in position:
            row[position[total]] -= 1
        else:
            constant += values[total]
        if row.any():
            equations.append(row)
            constants.append(constant)
    bounds = [(1, 4) if key in primary else (5, None) for key in unknowns]
    goal = np.zeros(len(unknowns))
    goal[position[cell]] = 1
    low = linprog(goal, A_eq=equations or None, b_eq=constants or None, bounds=bounds)
    high = linprog(-goal, A_eq=equations or None, b_eq=constants or None, bounds=bounds)
    return low.fun, -high.fun


MONTH_FACTS = st.tuples(
    st.sampled_from(["2026-09", "2026-10", "2026-11"]),
    st.sampled_from(["Action sociale", "Mairie", "Bibliothèque"]),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(MONTH_FACTS, min_size=1, max_size=60))
def test_no_combination_of_the_referral_tables_pins_a_small_count_down(facts):
    """What the page and the CSV show, read back as an attacker would: the months of each
    column sum to the total row, the flows sum to the total sent."""
    records = [
        ReferralFacts(
            month=month,
            sender_kind=sender,
            receiver_kind="Médiation numérique",
            was_accepted=accepted,
            was_declined=False,
            person_came=accepted and came,
            expired=False,
            answer_delay=None,
        )  # fmt: skip
        for month, sender, accepted, came in facts
    ]
    months, flows = monthly_rows(records), flow_rows(records)
    tables = displayed_tables(months, flows)
    total = total_row(months)
    values, shown = {}, {}
    for row, cells in [*((m, dict(tables.months)[m.month]) for m in months), (total, tables.total)]:
        for index, name in enumerate(COUNT_FIELDS):
            values[(row.month, name)] = getattr(row, name)
            shown[(row.month, name)] = cells[index]
    for sender, receiver, text in tables.flows:
        values[("flux", sender, receiver)] = next(
            n for s, r, n in flows if (s, r) == (sender, receiver)
        )
        shown[("flux", sender, receiver)] = text
    lines = [[(row.month, name) for row in [*months, total]] for name in COUNT_FIELDS]
    lines.append([*(("flux", s, r) for s, r, _ in flows), ("Total", "sent")])
    primary = {key for key, text in shown.items() if text == MASKED}
    hidden = primary | {key for key, text in shown.items() if text == SECONDARY}
    if all(not text.isdigit() for text in shown.values()):
        return  # nothing shown at all: no count can be read (see the test below)
    assert primary == {key for key, value in values.items() if 0 < value < 5}
    for cell in primary:
        low, high = _attacker_range_on_lines(values, lines, primary, hidden, cell)
        assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1, (facts, cell)


def test_a_commune_of_one_person_is_not_the_total_minus_the_communes_shown():
    column = masked_column({"38158": 1, "38185": 120, "38151": 21}, total="")
    assert column["38158"] == MASKED
    assert column["38151"] == SECONDARY  # the smallest other count goes with it
    assert column["38185"] == "120" and column[""] == "142"


def test_without_small_counts_nothing_is_hidden():
    column = masked_column({"38185": 120, "38151": 21}, total="")
    assert column == {"38185": "120", "38151": "21", "": "141"}


def test_a_table_of_only_small_counts_hides_its_zeros_too():
    """Four rows of 1 under a total of 4: with the zeros shown, each row is at least 1 and
    they sum to at most 4, so each is 1. With every cell « < 5 », each may be 0 to 4."""
    values = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 0, "total": 4}
    texts = masked_texts(values, [list(values)])
    assert set(texts.values()) == {MASKED}
    unknowns = list(values)
    equation = np.array([1, 1, 1, 1, 1, -1])
    for index in range(len(unknowns)):
        goal = np.zeros(len(unknowns))
        goal[index] = 1
        bounds = [(0, 4)] * len(unknowns)
        low = linprog(goal, A_eq=[equation], b_eq=[0], bounds=bounds).fun
        high = -linprog(-goal, A_eq=[equation], b_eq=[0], bounds=bounds).fun
        assert high - low >= 1
