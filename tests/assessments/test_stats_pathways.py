"""Statistics by pathway (beside the typologies, against the Grenoble study) and typology
transitions counted only beyond the referential's noise (issue 15)."""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.optimize import linprog

from aiguillage.assessments import rules
from aiguillage.assessments.engine import bundled_referential, score_screening
from aiguillage.territories.models import Commune
from tests.assessments.conftest import AUTONOMY, BEGINNER, INTERMEDIATE, make_person, screening

# Typologies from the most help needed: assistance, débutant, intermédiaire, autonomie;
# the pathways gather them as 1 / 2 + 3 / 4.
GROUPS = [[0], [1, 2], [3]]

# --- Pathway columns and disclosure ---------------------------------------------------------


def _full(matrix):
    """Typologies, pathway sums, total; then the column totals (as rules._with_margins)."""
    full = [
        [*row, *(sum(row[j] for j in members) for members in GROUPS), sum(row)] for row in matrix
    ]
    full.append([sum(row[j] for row in full) for j in range(len(full[0]))])
    return full


def _attacker_range(matrix, primary, hidden, cell):
    """Written apart from the module: every equation of the table (rows, pathway sums,
    columns), small hidden counts in 1..4, other hidden counts at least 5."""
    full = _full(matrix)
    rows, width = len(full), len(full[0])
    cols = len(matrix[0])
    order = sorted(hidden)
    index = {key: k for k, key in enumerate(order)}
    equations, constants = [], []

    def equation(parts, total):
        row, constant = np.zeros(len(order)), 0.0
        for key in parts:
            if key in index:
                row[index[key]] += 1
            else:
                constant -= full[key[0]][key[1]]
        if total in index:
            row[index[total]] -= 1
        else:
            constant += full[total[0]][total[1]]
        if row.any():
            equations.append(row)
            constants.append(constant)

    for i in range(rows):
        equation([(i, j) for j in range(cols)], (i, width - 1))
        equation([(i, cols + g) for g in range(len(GROUPS))], (i, width - 1))
        for g, members in enumerate(GROUPS):
            equation([(i, j) for j in members], (i, cols + g))
    for j in range(width):
        equation([(i, j) for i in range(rows - 1)], (rows - 1, j))
    bounds = [(1, 4) if key in primary else (5, None) for key in order]
    objective = np.zeros(len(order))
    objective[index[cell]] = 1
    extremes = []
    for sign in (1, -1):
        result = linprog(
            sign * objective,
            A_eq=np.array(equations) if equations else None,
            b_eq=np.array(constants) if constants else None,
            bounds=bounds,
            method="highs",
        )
        assert result.status == 0
        extremes.append(sign * result.fun)
    return extremes


def test_a_pathway_total_never_gives_a_hidden_typology_away():
    # One person in assistance: hidden, and the débutant count beside it. Shown, the
    # pathway 2 total (5 + 0) would give débutant back, then assistance by subtraction.
    matrix = [[1, 5, 0, 9], [6, 6, 6, 6]]
    primary, secondary = rules.hidden_cells(matrix, GROUPS)
    assert (0, 0) in primary and (0, 4) in primary  # assistance and pathway 1
    assert (0, 1) in secondary
    assert (0, 5) in secondary  # pathway 2 of that row
    low, high = _attacker_range(matrix, primary, primary | secondary, (0, 0))
    assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1


def test_no_small_count_is_recovered_from_typologies_and_pathways_together():
    generator = random.Random(15)
    for _ in range(120):
        rows = generator.randint(1, 4)
        matrix = [
            [generator.choice([0, 0, 1, 2, 3, 5, 6, 9, 14]) for _ in range(4)] for _ in range(rows)
        ]
        primary, secondary = rules.hidden_cells(matrix, GROUPS)
        full = _full(matrix)
        assert primary == {
            (i, j) for i, row in enumerate(full) for j, value in enumerate(row) if 0 < value < 5
        }
        for cell in primary:
            low, high = _attacker_range(matrix, primary, primary | secondary, cell)
            assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1, (matrix, cell)


def test_pathway_columns_sum_their_typologies_with_their_share():
    table = rules.masked_table(
        key="communes",
        title="",
        row_header="Commune",
        columns=["A", "D", "I", "Au"],
        labels=["Grenoble"],
        matrix=[[5, 10, 15, 20]],
        groups=[("P1", [0]), ("P2", [1, 2]), ("P3", [3])],
    )
    assert table.columns[4:] == ("P1", "P2", "P3")
    assert [cell.text for cell in table.total.cells[table.first_group :]] == ["5", "25", "20"]
    assert [cell.share for cell in table.total.cells[table.first_group :]] == [
        "10 %",
        "50 %",
        "40 %",
    ]


def test_the_comparison_sets_the_study_shares_beside_the_territorys():
    ref = bundled_referential("v1")
    pathways = rules.pathways_of((t.code, t.pathway) for t in ref.typologies)
    assert [p.typologies for p in pathways] == [
        ("assistance",),
        ("accompagne_debutant", "accompagne_intermediaire"),
        ("autonomie",),
    ]
    table = rules.masked_table(
        key="communes",
        title="",
        row_header="Commune",
        columns=[t.label for t in ref.typologies],
        labels=["Grenoble"],
        matrix=[[5, 10, 15, 20]],
        groups=[
            (p.label, [0] if i == 0 else [1, 2] if i == 1 else [3]) for i, p in enumerate(pathways)
        ],
    )
    comparison = rules.pathway_comparison(table, pathways)
    assert [(row.count, row.share, row.study_share) for row in comparison] == [
        ("5", "10 %", "16 %"),
        ("25", "50 %", "62 %"),
        ("20", "40 %", "27 %"),
    ]


# --- Transitions beyond noise ---------------------------------------------------------------

NOISE = {"screening": 3, "in_depth": 3}


def _total(answers) -> int:
    return score_screening(bundled_referential("v1"), answers).total


def test_the_answer_sets_used_below_differ_as_the_tests_need():
    # Intermediate → autonomy moves the total by exactly the noise; beginner →
    # intermediate by twice as much.
    assert _total(AUTONOMY) - _total(INTERMEDIATE) == 3
    assert _total(INTERMEDIATE) - _total(BEGINNER) == 6


def test_a_typology_change_within_the_noise_is_not_counted_and_one_beyond_it_is():
    day = dt.date(2026, 1, 5)
    later = day + dt.timedelta(days=60)

    def fact(person, on, typology, answers):
        return rules.Fact(person, "screening", on, typology, "A", "S", total=_total(answers))

    facts = [
        fact(1, day, "accompagne_intermediaire", INTERMEDIATE),
        fact(1, later, "autonomie", AUTONOMY),  # +3: within the noise
        fact(2, day, "accompagne_debutant", BEGINNER),
        fact(2, later, "accompagne_intermediaire", INTERMEDIATE),  # +6: beyond it
    ]
    assert rules.transitions(facts, NOISE) == {
        ("accompagne_debutant", "accompagne_intermediaire"): 1
    }
    # Without the noise, both would count: the filter is what removes the first.
    assert len(rules.transitions(facts)) == 2


def test_a_pair_with_an_unknown_total_is_not_counted():
    day = dt.date(2026, 1, 5)
    facts = [
        rules.Fact(1, "screening", day, "assistance", "A", "S", total=None),
        rules.Fact(1, "screening", day + dt.timedelta(days=9), "autonomie", "A", "S", total=16),
    ]
    assert rules.transitions(facts, NOISE) == {}


# --- The page -------------------------------------------------------------------------------


@pytest.fixture
def re_screened(owner, organisation, territory):
    """Five people change typology within the noise, five beyond it."""
    grenoble = Commune.objects.get(insee_code="38185")
    first = timezone.now() - dt.timedelta(days=90)
    second = timezone.now() - dt.timedelta(days=20)
    for index in range(5):
        within = make_person(owner, organisation, first_name=f"Dans{index}", commune=grenoble)
        screening(owner, organisation, within, INTERMEDIATE, at=first)
        screening(owner, organisation, within, AUTONOMY, at=second)
        beyond = make_person(owner, organisation, first_name=f"Hors{index}", commune=grenoble)
        screening(owner, organisation, beyond, BEGINNER, at=first)
        screening(owner, organisation, beyond, INTERMEDIATE, at=second)


def _csv_rows(client, territory):
    import csv
    import io

    response = client.get(reverse("assessments:assessment_stats_csv", args=[territory.slug]))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_page_counts_only_transitions_beyond_the_noise_and_says_why(
    client, coordinator, territory, re_screened
):
    client.force_login(coordinator)
    page = client.get(reverse("assessments:assessment_stats", args=[territory.slug]))
    text = page.content.decode()
    assert "44,8 %" in text
    assert "5 paires de diagnostics restent dans le bruit" in text
    rows = _csv_rows(client, territory)
    debutant, intermediaire = "Accès accompagné — débutant", "Accès accompagné — intermédiaire"
    assert ["transitions", debutant, intermediaire, "5", "100 %"] in rows
    assert ["transitions", intermediaire, "Autonomie", "0", ""] in rows


def test_the_page_shows_pathway_totals_against_the_study_with_its_caveat_and_source(
    client, coordinator, territory, re_screened
):
    client.force_login(coordinator)
    text = client.get(reverse("assessments:assessment_stats", args=[territory.slug])).content
    text = text.decode()
    assert "105 %" in text
    assert "8 décembre 2015" in text and "Emmaüs Connect" in text
    assert "16 %" in text and "62 %" in text and "27 %" in text
    rows = _csv_rows(client, territory)
    # Latest screenings: five autonomous, five intermediate, all in Grenoble.
    assert ["communes", "Grenoble", "Parcours 2 : accès accompagné", "5", "50 %"] in rows
    assert ["communes", "Grenoble", "Parcours 3 : autonomie", "5", "50 %"] in rows
    assert ["communes", "Grenoble", "Parcours 1 : assistance numérique", "0", ""] in rows
